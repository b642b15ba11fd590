using Netipsec.Crypto;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>A crypto engine that supports AES-GCM alone (the portable engine does the work).</summary>
internal sealed class GcmOnlyEngine : ICryptoEngine
{
    public string Name => "gcm-only";

    public bool Supports(AlgorithmInfo algorithm) => algorithm.Primitive == CryptoPrimitive.AesGcm;

    public KeyCreateStatus CreateAeadKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IAeadKey? key) =>
        PortableCryptoEngine.Instance.CreateAeadKey(algorithm, keyMaterial, out key);

    public KeyCreateStatus CreateCipherKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out ICipherKey? key) =>
        PortableCryptoEngine.Instance.CreateCipherKey(algorithm, keyMaterial, out key);

    public KeyCreateStatus CreateIntegrityKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IIntegrityKey? key) =>
        PortableCryptoEngine.Instance.CreateIntegrityKey(algorithm, keyMaterial, out key);
}

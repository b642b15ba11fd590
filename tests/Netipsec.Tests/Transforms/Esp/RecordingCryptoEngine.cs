using Netipsec.Crypto;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>
/// An engine over the portable one that records the cipher keys it creates, or, with <c>supportsNothing</c>, an
/// engine that supports no algorithm at all (to see the transform pass over it).
/// </summary>
internal sealed class RecordingCryptoEngine(bool supportsNothing = false) : ICryptoEngine
{
    public const string EngineName = "recording";

    private static readonly PortableCryptoEngine Inner = PortableCryptoEngine.Instance;

    public List<RecordingCipherKey> CipherKeys { get; } = [];

    public string Name => EngineName;

    public bool Supports(AlgorithmInfo algorithm) => !supportsNothing && Inner.Supports(algorithm);

    public KeyCreateStatus CreateAeadKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IAeadKey? key) =>
        Inner.CreateAeadKey(algorithm, keyMaterial, out key);

    public KeyCreateStatus CreateCipherKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out ICipherKey? key)
    {
        KeyCreateStatus status = Inner.CreateCipherKey(algorithm, keyMaterial, out ICipherKey? inner);
        key = null;
        if (inner is not null)
        {
            var recording = new RecordingCipherKey(inner);
            CipherKeys.Add(recording);
            key = recording;
        }

        return status;
    }

    public KeyCreateStatus CreateIntegrityKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IIntegrityKey? key) =>
        Inner.CreateIntegrityKey(algorithm, keyMaterial, out key);
}

using Netipsec.Crypto;

namespace Netipsec.Tests.Crypto;

/// <summary>Creates portable-engine keys by setkey name for tests, failing the test when the engine refuses.</summary>
internal static class PortableKeys
{
    public static AlgorithmInfo Encryption(string name) =>
        AlgorithmTable.TryGetByName(PfKeyAlgorithmSpace.Encryption, name, out AlgorithmInfo? algorithm) ? algorithm : throw new ArgumentException(name);

    public static AlgorithmInfo Authentication(string name) =>
        AlgorithmTable.TryGetByName(PfKeyAlgorithmSpace.Authentication, name, out AlgorithmInfo? algorithm) ? algorithm : throw new ArgumentException(name);

    public static IAeadKey Aead(AlgorithmInfo algorithm, byte[] keyMaterial)
    {
        Assert.Equal(KeyCreateStatus.Created, PortableCryptoEngine.Instance.CreateAeadKey(algorithm, keyMaterial, out IAeadKey? key));
        return key!;
    }

    public static IAeadKey Aead(string name, byte[] keyMaterial) => Aead(Encryption(name), keyMaterial);

    public static ICipherKey Cipher(string name, byte[] keyMaterial)
    {
        Assert.Equal(KeyCreateStatus.Created, PortableCryptoEngine.Instance.CreateCipherKey(Encryption(name), keyMaterial, out ICipherKey? key));
        return key!;
    }

    public static IIntegrityKey Integrity(string name, byte[] keyMaterial)
    {
        Assert.Equal(KeyCreateStatus.Created, PortableCryptoEngine.Instance.CreateIntegrityKey(Authentication(name), keyMaterial, out IIntegrityKey? key));
        return key!;
    }

    /// <summary>Key material of the longest valid size for <paramref name="algorithm"/>, filled from <paramref name="random"/>.</summary>
    public static byte[] RandomKeyMaterial(AlgorithmInfo algorithm, Random random)
    {
        byte[] key = new byte[algorithm.MaxKeyBits / 8];
        random.NextBytes(key);
        return key;
    }
}

using Netipsec.Crypto;

namespace Netipsec.Tests.Crypto;

/// <summary>What a known-answer vector of Vectors/*.txt must give on any engine's key (each engine's tests create the key).</summary>
internal static class KnownAnswerChecks
{
    /// <summary>The ICV is the MAC's leftmost bytes (RFC 2104 §5), and it verifies.</summary>
    public static void Integrity(CryptoVector vector, IIntegrityKey key)
    {
        byte[] expected = vector.Hex("mac")[..key.IcvLength];
        byte[] icv = new byte[key.IcvLength];

        Assert.Equal(CryptoStatus.Ok, key.Compute(vector.Hex("data"), default, icv));
        Assert.Equal(expected, icv);
        Assert.Equal(CryptoStatus.Ok, key.Verify(vector.Hex("data"), default, expected));
    }

    /// <summary>Encrypts to the published ciphertext in place and decrypts back.</summary>
    public static void Cipher(CryptoVector vector, ICipherKey key)
    {
        byte[] data = vector.Hex("plaintext");

        Assert.Equal(CryptoStatus.Ok, key.Encrypt(vector.Hex("iv"), data));
        Assert.Equal(vector.Hex("ciphertext"), data);
        Assert.Equal(CryptoStatus.Ok, key.Decrypt(vector.Hex("iv"), data));
        Assert.Equal(vector.Hex("plaintext"), data);
    }

    /// <summary>Seals to the published ciphertext and tag in place and opens back.</summary>
    public static void Aead(CryptoVector vector, IAeadKey key)
    {
        byte[] data = vector.Hex("plaintext");
        byte[] tag = new byte[key.TagLength];

        Assert.Equal(CryptoStatus.Ok, key.Seal(vector.Hex("iv"), vector.Hex("aad"), data, tag));
        Assert.Equal(vector.Hex("ciphertext"), data);
        Assert.Equal(vector.Hex("tag"), tag);
        Assert.Equal(CryptoStatus.Ok, key.Open(vector.Hex("iv"), vector.Hex("aad"), data, tag));
        Assert.Equal(vector.Hex("plaintext"), data);
    }

    /// <summary>The SA key material of an AEAD vector: key || salt.</summary>
    public static byte[] AeadKeyMaterial(CryptoVector vector) => [.. vector.Hex("key"), .. vector.Hex("salt")];
}

using Netipsec.Crypto;

namespace Netipsec.Tests.Crypto;

public sealed class PortableCryptoEngineTests
{
    private static readonly PortableCryptoEngine Engine = PortableCryptoEngine.Instance;

    [Fact]
    public void SupportsEveryCryptoRowExceptGcm8XcbcAndCompression()
    {
        string[] unsupported = AlgorithmTable.All.Where(row => !Engine.Supports(row)).Select(row => $"{row.Space}:{row.Name}").Order().ToArray();
        Assert.Equal(
            ["Authentication:aes-xcbc-mac", "Compression:deflate", "Compression:lzjh", "Compression:lzs", "Encryption:aes-gcm-8"],
            unsupported);
    }

    [Fact]
    public void CreatingThroughTheWrongMethodIsUnsupported()
    {
        Assert.Equal(KeyCreateStatus.Unsupported, Engine.CreateCipherKey(PortableKeys.Encryption("aes-gcm-16"), new byte[20], out ICipherKey? cipher));
        Assert.Null(cipher);
        Assert.Equal(KeyCreateStatus.Unsupported, Engine.CreateAeadKey(PortableKeys.Encryption("aes-cbc"), new byte[16], out _));
        Assert.Equal(KeyCreateStatus.Unsupported, Engine.CreateIntegrityKey(PortableKeys.Authentication("aes-gmac"), new byte[20], out _));
        Assert.Equal(KeyCreateStatus.Unsupported, Engine.CreateIntegrityKey(PortableKeys.Authentication("aes-xcbc-mac"), new byte[16], out _));
        Assert.Equal(KeyCreateStatus.Unsupported, Engine.CreateAeadKey(PortableKeys.Encryption("aes-gcm-8"), new byte[20], out _));
    }

    [Fact]
    public void AhGmacIsAnAeadKeyOverTheWholeMessage()
    {
        Assert.Equal(KeyCreateStatus.Created, Engine.CreateAeadKey(PortableKeys.Authentication("aes-gmac"), new byte[20], out IAeadKey? key));
        using (key)
        {
            Assert.Equal(16, key!.TagLength);
        }
    }

    [Theory]
    [InlineData("aes-gcm-16", 16)] // salt missing
    [InlineData("aes-gcm-16", 21)]
    [InlineData("aes-ccm-16", 20)] // CCM's salt is 3 bytes
    [InlineData("aes-ctr", 16)]
    [InlineData("aes-cbc", 20)]
    [InlineData("chacha20-poly1305", 32)]
    [InlineData("3des-cbc", 16)]
    public void KeyMaterialOfTheWrongLengthIsRefused(string name, int length)
    {
        AlgorithmInfo algorithm = PortableKeys.Encryption(name);
        KeyCreateStatus status = algorithm.UsesAeadKey
            ? Engine.CreateAeadKey(algorithm, new byte[length], out _)
            : Engine.CreateCipherKey(algorithm, new byte[length], out _);
        Assert.Equal(KeyCreateStatus.InvalidKeyLength, status);
    }

    [Fact]
    public void HmacKeysMustHaveTheIpsecLength() =>
        Assert.Equal(KeyCreateStatus.InvalidKeyLength, Engine.CreateIntegrityKey(PortableKeys.Authentication("hmac-sha256"), new byte[20], out _));

    [Theory]
    [InlineData("des-cbc", "0101010101010101")] // DES weak key
    [InlineData("3des-cbc", "0123456789abcdef0123456789abcdeffedcba9876543210")] // K1 = K2: single DES in disguise
    public void KeysThePrimitiveRefusesAreRejected(string name, string key)
    {
        Assert.Equal(KeyCreateStatus.RejectedKey, Engine.CreateCipherKey(PortableKeys.Encryption(name), Convert.FromHexString(key), out ICipherKey? created));
        Assert.Null(created);
    }

    [Fact]
    public void KeysNameTheirEngineAndAlgorithm()
    {
        AlgorithmInfo sha1 = PortableKeys.Authentication("hmac-sha1");
        using IIntegrityKey key = PortableKeys.Integrity("hmac-sha1", new byte[20]);
        Assert.Equal("portable", key.EngineName);
        Assert.Same(sha1, key.Algorithm);
        Assert.Equal("portable", Engine.Name);
    }
}

using Netipsec.Crypto;
using Netipsec.Crypto.IntelIpsecMb;

namespace Netipsec.Tests.Crypto.IntelIpsecMb;

/// <summary>
/// The intel-ipsec-mb engine against the published vectors of Vectors/*.txt, the same the portable engine passes, and
/// AES-XCBC-MAC against RFC 3566 (xcbc.txt), which only this engine runs.
/// </summary>
public sealed class IntelIpsecMbKnownAnswerTests
{
    public static TheoryData<string> HmacVectors => CryptoVector.Names("hmac.txt");

    public static TheoryData<string> CmacVectors => CryptoVector.Names("cmac.txt");

    public static TheoryData<string> XcbcVectors => CryptoVector.Names("xcbc.txt");

    public static TheoryData<string> CipherVectors => CryptoVector.Names("ciphers.txt");

    public static TheoryData<string> AeadVectors => CryptoVector.Names("aead.txt");

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(HmacVectors))]
    public void HmacIcvIsTheTruncatedPublishedMac(string name) => CheckIntegrity(CryptoVector.Get("hmac.txt", name));

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(CmacVectors))]
    public void CmacIcvIsTheTruncatedPublishedMac(string name) => CheckIntegrity(CryptoVector.Get("cmac.txt", name));

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(XcbcVectors))]
    public void XcbcIcvIsTheTruncatedPublishedMac(string name) => CheckIntegrity(CryptoVector.Get("xcbc.txt", name));

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(CipherVectors))]
    public void CipherEncryptsAndDecryptsInPlace(string name)
    {
        CryptoVector vector = CryptoVector.Get("ciphers.txt", name);
        using ICipherKey key = NativeKeys.Cipher(NativeKeys.Native, PortableKeys.Encryption(vector.Algorithm), vector.Hex("key"));
        KnownAnswerChecks.Cipher(vector, key);
    }

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(AeadVectors))]
    public void AeadSealsAndOpensInPlace(string name)
    {
        CryptoVector vector = CryptoVector.Get("aead.txt", name);
        using IAeadKey key = NativeKeys.Aead(NativeKeys.Native, PortableKeys.Encryption(vector.Algorithm), KnownAnswerChecks.AeadKeyMaterial(vector));
        KnownAnswerChecks.Aead(vector, key);
    }

    private static void CheckIntegrity(CryptoVector vector)
    {
        // As for the portable engine: keys of other lengths than IPsec's (RFC 2202, RFC 4231) go to the MAC key directly.
        AlgorithmInfo algorithm = PortableKeys.Authentication(vector.Algorithm);
        byte[] keyMaterial = vector.Hex("key");
        IIntegrityKey? key;
        if (algorithm.IsValidKeyLength(keyMaterial.Length))
        {
            key = NativeKeys.Integrity(NativeKeys.Native, algorithm, keyMaterial);
        }
        else
        {
            Assert.Equal(KeyCreateStatus.Created, IntelIpsecMbEngine.CreateMacKey(algorithm, keyMaterial, out key));
        }

        using (key)
        {
            KnownAnswerChecks.Integrity(vector, key!);
        }
    }
}

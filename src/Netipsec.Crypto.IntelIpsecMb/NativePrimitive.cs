namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>What a native key computes: the shim's enum nx_primitive (native/ipsecmb/netipsec_ipsecmb.h), same numbers.</summary>
internal enum NativePrimitive
{
    None = 0,
    AesGcm = 1,
    AesGmac = 2,
    ChaCha20Poly1305 = 3,
    AesCcm = 4,
    AesCbc = 5,
    AesCtr = 6,
    DesCbc = 7,
    TripleDesCbc = 8,
    HmacMd5 = 9,
    HmacSha1 = 10,
    HmacSha256 = 11,
    HmacSha384 = 12,
    HmacSha512 = 13,
    AesXcbcMac = 14,
    AesCmac = 15,
}

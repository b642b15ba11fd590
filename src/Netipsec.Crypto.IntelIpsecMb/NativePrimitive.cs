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
    HmacMd5 = 7,
    HmacSha1 = 8,
    HmacSha256 = 9,
    HmacSha384 = 10,
    HmacSha512 = 11,
    AesXcbcMac = 12,
    AesCmac = 13,
}

namespace Netipsec.Crypto;

/// <summary>
/// The construction an algorithm row stands for, independent of its ICV length or PF_KEY space: what an engine
/// implements. Several rows share one primitive (the three AES-GCM ICV lengths; AES-GMAC in ESP and in AH).
/// </summary>
public enum CryptoPrimitive
{
    /// <summary>AES-GCM with a 4-byte salt and an 8-byte explicit IV (RFC 4106).</summary>
    AesGcm,

    /// <summary>AES-CCM with a 3-byte salt and an 8-byte explicit IV (RFC 4309).</summary>
    AesCcm,

    /// <summary>ChaCha20-Poly1305 with a 4-byte salt and an 8-byte explicit IV (RFC 7634).</summary>
    ChaCha20Poly1305,

    /// <summary>AES-GMAC: AES-GCM authenticating everything and encrypting nothing (RFC 4543).</summary>
    AesGmac,

    /// <summary>AES in CBC mode with an explicit 16-byte IV (RFC 3602).</summary>
    AesCbc,

    /// <summary>AES in counter mode with a 4-byte nonce and an 8-byte explicit IV (RFC 3686).</summary>
    AesCtr,

    /// <summary>Single DES in CBC mode (RFC 2405); broken, for reading old captures only.</summary>
    DesCbc,

    /// <summary>Triple DES (EDE) in CBC mode (RFC 2451), for legacy peers.</summary>
    TripleDesCbc,

    /// <summary>The NULL cipher (RFC 2410): leaves data as it is.</summary>
    NullCipher,

    /// <summary>HMAC-MD5 (RFC 2104), truncated to 96 bits in IPsec (RFC 2403).</summary>
    HmacMd5,

    /// <summary>HMAC-SHA-1, truncated to 96 bits (RFC 2404).</summary>
    HmacSha1,

    /// <summary>HMAC-SHA-256, truncated to 128 bits (RFC 4868).</summary>
    HmacSha256,

    /// <summary>HMAC-SHA-384, truncated to 192 bits (RFC 4868).</summary>
    HmacSha384,

    /// <summary>HMAC-SHA-512, truncated to 256 bits (RFC 4868).</summary>
    HmacSha512,

    /// <summary>AES-XCBC-MAC, truncated to 96 bits (RFC 3566).</summary>
    AesXcbcMac,

    /// <summary>AES-CMAC, truncated to 96 bits (RFC 4494).</summary>
    AesCmac,

    /// <summary>No integrity check (ESP confidentiality only, RFC 4303 §3.2.2).</summary>
    NullIntegrity,

    /// <summary>DEFLATE (RFC 1951) for IPComp (RFC 2394).</summary>
    Deflate,

    /// <summary>LZS for IPComp (RFC 2395).</summary>
    Lzs,

    /// <summary>LZJH (V.44) for IPComp (RFC 3051).</summary>
    Lzjh,
}

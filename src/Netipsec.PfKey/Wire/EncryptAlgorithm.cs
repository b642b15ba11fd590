namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_sa_encrypt</c> and <c>sadb_alg_id</c> of SUPPORTED_ENCRYPT: SADB_EALG_* / SADB_X_EALG_* (Linux numbering).</summary>
public enum EncryptAlgorithm : byte
{
    None = 0,
    DesCbc = 2,

    /// <summary>SADB_EALG_3DESCBC.</summary>
    TripleDesCbc = 3,
    CastCbc = 6,
    BlowfishCbc = 7,

    /// <summary>SADB_EALG_NULL: ESP without confidentiality (RFC 2410).</summary>
    Null = 11,
    AesCbc = 12,
    AesCtr = 13,
    AesCcmIcv8 = 14,
    AesCcmIcv12 = 15,
    AesCcmIcv16 = 16,
    AesGcmIcv8 = 18,
    AesGcmIcv12 = 19,
    AesGcmIcv16 = 20,
    CamelliaCbc = 22,
    NullAesGmac = 23,
    Sm4Cbc = 24,
    SerpentCbc = 252,
    TwofishCbc = 253,
}

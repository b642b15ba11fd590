namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_sa_auth</c> and <c>sadb_alg_id</c> of SUPPORTED_AUTH: SADB_AALG_* / SADB_X_AALG_* (Linux numbering).</summary>
public enum AuthAlgorithm : byte
{
    None = 0,
    Md5Hmac = 2,
    Sha1Hmac = 3,

    /// <summary>SADB_X_AALG_SHA2_256HMAC.</summary>
    Sha256Hmac = 5,

    /// <summary>SADB_X_AALG_SHA2_384HMAC.</summary>
    Sha384Hmac = 6,

    /// <summary>SADB_X_AALG_SHA2_512HMAC.</summary>
    Sha512Hmac = 7,
    Ripemd160Hmac = 8,
    AesXcbcMac = 9,

    /// <summary>SADB_X_AALG_SM3_256HMAC.</summary>
    Sm3Hmac = 10,

    /// <summary>SADB_X_AALG_NULL (KAME): an explicit "no integrity" algorithm.</summary>
    Null = 251,
}

namespace Netipsec.Crypto;

/// <summary>
/// The three PF_KEY number spaces an algorithm id belongs to (RFC 2367 §3.5): the same number means different
/// algorithms in each, e.g. 2 is SADB_AALG_MD5HMAC, SADB_EALG_DESCBC and SADB_X_CALG_DEFLATE.
/// </summary>
public enum PfKeyAlgorithmSpace
{
    /// <summary>sadb_sa_auth ids (SADB_AALG_*, SADB_X_AALG_*), listed in SADB_EXT_SUPPORTED_AUTH.</summary>
    Authentication,

    /// <summary>sadb_sa_encrypt ids (SADB_EALG_*, SADB_X_EALG_*), ciphers and AEADs alike, listed in SADB_EXT_SUPPORTED_ENCRYPT.</summary>
    Encryption,

    /// <summary>sadb_sa_encrypt ids of IPComp SAs (SADB_X_CALG_*); no REGISTER list carries them.</summary>
    Compression,
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// <c>sadb_ext_type</c>. Values 1..26 are Linux's (<c>linux/pfkeyv2.h</c>); 32..39 are the Solaris additions Netipsec
/// defines in <c>include/netipsec/pfkeyv2_ext.h</c>. A message carries each type at most once.
/// </summary>
public enum ExtensionType : ushort
{
    /// <summary>SADB_EXT_RESERVED: never valid in a message.</summary>
    Reserved = 0,
    Sa = 1,
    LifetimeCurrent = 2,
    LifetimeHard = 3,
    LifetimeSoft = 4,
    AddressSrc = 5,
    AddressDst = 6,

    /// <summary>SADB_EXT_ADDRESS_PROXY: deprecated by RFC 2367's successors, still parsed.</summary>
    AddressProxy = 7,
    KeyAuth = 8,
    KeyEncrypt = 9,
    IdentitySrc = 10,
    IdentityDst = 11,
    Sensitivity = 12,
    Proposal = 13,
    SupportedAuth = 14,
    SupportedEncrypt = 15,
    SpiRange = 16,

    /// <summary>SADB_X_EXT_KMPRIVATE: opaque key-manager data.</summary>
    KmPrivate = 17,

    /// <summary>SADB_X_EXT_POLICY: a KAME policy with its IPsec requests.</summary>
    Policy = 18,

    /// <summary>SADB_X_EXT_SA2: mode, sequence and reqid of an SA.</summary>
    Sa2 = 19,
    NatTType = 20,
    NatTSport = 21,
    NatTDport = 22,

    /// <summary>SADB_X_EXT_NAT_T_OA: the original address before NAT (an address extension).</summary>
    NatTOa = 23,
    SecCtx = 24,
    KmAddress = 25,
    Filter = 26,

    /// <summary>SADB_X_EXT_EREG (Netipsec 32): extended REGISTER.</summary>
    Ereg = 32,

    /// <summary>SADB_X_EXT_EPROP (Netipsec 33): extended proposal.</summary>
    Eprop = 33,

    /// <summary>SADB_X_EXT_KM_COOKIE (Netipsec 34).</summary>
    KmCookie = 34,

    /// <summary>SADB_X_EXT_ADDRESS_NATT_LOC (Netipsec 35): this node's public NAT-T address and port.</summary>
    AddressNattLoc = 35,

    /// <summary>SADB_X_EXT_ADDRESS_NATT_REM (Netipsec 36): the peer's private NAT-T address and port.</summary>
    AddressNattRem = 36,

    /// <summary>SADB_X_EXT_ADDRESS_INNER_SRC (Netipsec 37): tunnel-mode inner source selector.</summary>
    AddressInnerSrc = 37,

    /// <summary>SADB_X_EXT_ADDRESS_INNER_DST (Netipsec 38): tunnel-mode inner destination selector.</summary>
    AddressInnerDst = 38,

    /// <summary>SADB_X_EXT_PAIR (Netipsec 39): the SPI of the paired SA.</summary>
    Pair = 39,

    /// <summary>SADB_X_EXT_REPLAY_SEQ (Netipsec 40): the last sequence number already used on the SA.</summary>
    ReplaySequence = 40,
}

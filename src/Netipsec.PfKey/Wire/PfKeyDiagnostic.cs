namespace Netipsec.PfKey.Wire;

/// <summary>
/// <c>sadb_x_msg_diagnostic</c> (the base header's <c>sadb_msg_reserved</c>) of a reply: the detail behind its errno.
/// The values are the Solaris SADB_X_DIAGNOSTIC_* codes, defined for C in <c>include/netipsec/pfkeyv2_ext.h</c>.
/// </summary>
public enum PfKeyDiagnostic : ushort
{
    /// <summary>No further detail.</summary>
    None = 0,

    /// <summary>Message type not known.</summary>
    UnknownMsg = 1,

    /// <summary>Extension type not known.</summary>
    UnknownExt = 2,

    /// <summary>An extension's length is wrong.</summary>
    BadExtLen = 3,

    /// <summary>SA type not known.</summary>
    UnknownSaType = 4,

    /// <summary>The message needs an SA type.</summary>
    SaTypeNeeded = 5,

    /// <summary>No database for that SA type.</summary>
    NoSadbs = 6,

    /// <summary>A needed extension is absent.</summary>
    NoExt = 7,

    /// <summary>Source sockaddr family.</summary>
    BadSrcAf = 8,

    /// <summary>Destination sockaddr family.</summary>
    BadDstAf = 9,

    /// <summary>Proxy sockaddr family.</summary>
    BadProxyAf = 10,

    /// <summary>Same code as <see cref="BadProxyAf"/>: one value for both.</summary>
    BadInnerSrcAf = BadProxyAf,

    /// <summary>Source and destination families differ.</summary>
    AfMismatch = 11,

    /// <summary>Source address unusable.</summary>
    BadSrc = 12,

    /// <summary>Destination address unusable.</summary>
    BadDst = 13,

    /// <summary>Soft allocations above hard.</summary>
    AllocHsErr = 14,

    /// <summary>Soft bytes above hard.</summary>
    BytesHsErr = 15,

    /// <summary>Soft add-time above hard.</summary>
    AddtimeHsErr = 16,

    /// <summary>Soft use-time above hard.</summary>
    UsetimeHsErr = 17,

    MissingSrc = 18,

    MissingDst = 19,

    MissingSa = 20,

    MissingEKey = 21,

    MissingAKey = 22,

    MissingRange = 23,

    DuplicateSrc = 24,

    DuplicateDst = 25,

    DuplicateSa = 26,

    DuplicateEKey = 27,

    DuplicateAKey = 28,

    DuplicateRange = 29,

    MalformedSrc = 30,

    MalformedDst = 31,

    MalformedSa = 32,

    MalformedEKey = 33,

    MalformedAKey = 34,

    MalformedRange = 35,

    /// <summary>An authentication key where none belongs.</summary>
    AKeyPresent = 36,

    /// <summary>An encryption key where none belongs.</summary>
    EKeyPresent = 37,

    /// <summary>A proposal where none belongs.</summary>
    PropPresent = 38,

    /// <summary>A supported-algorithms list where none belongs.</summary>
    SuppPresent = 39,

    /// <summary>Authentication algorithm not usable.</summary>
    BadAalg = 40,

    /// <summary>Encryption algorithm not usable.</summary>
    BadEalg = 41,

    BadSaFlags = 42,

    BadSaState = 43,

    /// <summary>Authentication key size wrong for the algorithm.</summary>
    BadAKeyBits = 44,

    /// <summary>Encryption key size wrong for the algorithm.</summary>
    BadEKeyBits = 45,

    /// <summary>Encryption not available.</summary>
    EncrNotSupp = 46,

    /// <summary>Encryption key is a known weak key.</summary>
    WeakEKey = 47,

    /// <summary>Authentication key is a known weak key.</summary>
    WeakAKey = 48,

    /// <summary>Key-management protocol given twice.</summary>
    DuplicateKmp = 49,

    /// <summary>Key-management cookie given twice.</summary>
    DuplicateKmc = 50,

    MissingNattLoc = 51,

    MissingNattRem = 52,

    DuplicateNattLoc = 53,

    DuplicateNattRem = 54,

    MalformedNattLoc = 55,

    MalformedNattRem = 56,

    /// <summary>NAT-T ports given twice.</summary>
    DuplicateNattPorts = 57,

    MissingInnerSrc = 58,

    MissingInnerDst = 59,

    DuplicateInnerSrc = 60,

    DuplicateInnerDst = 61,

    MalformedInnerSrc = 62,

    MalformedInnerDst = 63,

    /// <summary>Inner source prefix length out of range.</summary>
    PrefixInnerSrc = 64,

    /// <summary>Inner destination prefix length out of range.</summary>
    PrefixInnerDst = 65,

    BadInnerDstAf = 66,

    /// <summary>Inner source and destination families differ.</summary>
    InnerAfMismatch = 67,

    BadNattRemAf = 68,

    BadNattLocAf = 69,

    /// <summary>Source and destination protocols differ.</summary>
    ProtoMismatch = 70,

    /// <summary>Inner source and destination protocols differ.</summary>
    InnerProtoMismatch = 71,

    /// <summary>Ports on both the outer and the inner addresses.</summary>
    DualPortSets = 72,

    /// <summary>A pair where the message cannot take one.</summary>
    PairInappropriate = 73,

    /// <summary>The pair's SA does not match this one.</summary>
    PairAddMismatch = 74,

    /// <summary>The SA is already paired.</summary>
    PairAlready = 75,

    /// <summary>The pair's SA does not exist.</summary>
    PairSaNotFound = 76,

    /// <summary>Inbound/outbound flags do not fit the addresses.</summary>
    BadSaDirection = 77,

    SaNotFound = 78,

    SaExpired = 79,
}

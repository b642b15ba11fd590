namespace Netipsec.States;

/// <summary>
/// The sadb_sa_flags bits of PF_KEY, with the values of include/netipsec/pfkeyv2_ext.h: the Solaris values, except
/// that <see cref="Used"/>, <see cref="Unique"/> and <see cref="AuthenticationAlgorithm1"/> moved off bits 29–31, which
/// Linux uses for NOPMTUDISC, DECAP_DSCP and NOECN. Only <see cref="Used"/> is managed by the database (set once the
/// SA carried traffic); the others are stored as key management gives them.
/// </summary>
[Flags]
#pragma warning disable CA1028, CA1711 // Mirrors the 32-bit sadb_sa_flags field and its PF_KEY name.
public enum SaFlags : uint
#pragma warning restore CA1028, CA1711
{
    None = 0,

    /// <summary>Perfect forward secrecy was used to derive the keys.</summary>
    Pfs = 0x1,

    /// <summary>No anti-replay protection: the receiver keeps no window and the sender's counter may cycle.</summary>
    NoReplay = 0x2,

    /// <summary>Direction bit: the SA protects inbound traffic.</summary>
    Inbound = 0x4000,

    /// <summary>Direction bit: the SA protects outbound traffic.</summary>
    Outbound = 0x8000,

    /// <summary>The SA is one half of an inbound/outbound pair.</summary>
    Paired = 0x10000,

    /// <summary>Tunnel mode.</summary>
    Tunnel = 0x20000,

    /// <summary>The remote side is behind a NAT (its address is NAT-ed).</summary>
    NatTraversalRemote = 0x80000,

    /// <summary>The local side is behind a NAT.</summary>
    NatTraversalLocal = 0x100000,

    /// <summary>Key-management specific flag 4.</summary>
    KeyManagement4 = 0x400000,

    /// <summary>Key-management specific flag 3.</summary>
    KeyManagement3 = 0x800000,

    /// <summary>Key-management specific flag 2.</summary>
    KeyManagement2 = 0x1000000,

    /// <summary>Key-management specific flag 1.</summary>
    KeyManagement1 = 0x2000000,

    /// <summary>Encryption-algorithm specific flag 2.</summary>
    EncryptionAlgorithm2 = 0x4000000,

    /// <summary>Encryption-algorithm specific flag 1.</summary>
    EncryptionAlgorithm1 = 0x8000000,

    /// <summary>Authentication-algorithm specific flag 2.</summary>
    AuthenticationAlgorithm2 = 0x10000000,

    /// <summary>Authentication-algorithm specific flag 1.</summary>
    AuthenticationAlgorithm1 = 0x800,

    /// <summary>The SA may not be shared between flows.</summary>
    Unique = 0x1000,

    /// <summary>The SA has carried traffic (set by the database, never by key management).</summary>
    Used = 0x2000,
}

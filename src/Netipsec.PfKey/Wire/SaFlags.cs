namespace Netipsec.PfKey.Wire;

/// <summary>
/// <c>sadb_sa_flags</c>. <see cref="Pfs"/>, <see cref="NoPmtuDisc"/>, <see cref="DecapDscp"/> and <see cref="NoEcn"/>
/// are Linux's; the rest are the Solaris flags, placed by <c>include/netipsec/pfkeyv2_ext.h</c> in bits Linux leaves
/// free (Solaris's values for USED, UNIQUE and AALG1 collide with Linux's bits 29-31, so those three moved down), plus
/// Netipsec's ESN and KAME's two padding bits.
/// </summary>
[Flags]
#pragma warning disable CA1711 // The PF_KEY name of the field (sadb_sa_flags).
public enum SaFlags : uint
#pragma warning restore CA1711
{
    None = 0,

    /// <summary>SADB_SAFLAGS_PFS: perfect forward secrecy.</summary>
    Pfs = 0x1,

    /// <summary>SADB_SAFLAGS_NOREPLAY (Netipsec): the SA has no replay protection.</summary>
    NoReplay = 0x2,
    Inbound = 0x4000,
    Outbound = 0x8000,
    Paired = 0x10000,
    Tunnel = 0x20000,

    /// <summary>SADB_X_SAFLAGS_KRES2: reserved for the implementation.</summary>
    Kres2 = 0x40000,
    NattRem = 0x80000,
    NattLoc = 0x100000,

    /// <summary>SADB_X_SAFLAGS_KRES1: reserved for the implementation.</summary>
    Kres1 = 0x200000,
    Km4 = 0x400000,
    Km3 = 0x800000,
    Km2 = 0x1000000,
    Km1 = 0x2000000,
    Ealg2 = 0x4000000,
    Ealg1 = 0x8000000,
    Aalg2 = 0x10000000,

    /// <summary>SADB_X_SAFLAGS_AALG1 (Netipsec 0x800; Solaris uses 0x20000000, Linux's NOPMTUDISC).</summary>
    Aalg1 = 0x800,

    /// <summary>SADB_X_SAFLAGS_UNIQUE (Netipsec 0x1000; Solaris uses 0x40000000, Linux's DECAP_DSCP).</summary>
    Unique = 0x1000,

    /// <summary>SADB_X_SAFLAGS_USED (Netipsec 0x2000; Solaris uses 0x80000000, Linux's NOECN).</summary>
    Used = 0x2000,

    /// <summary>
    /// SADB_X_SAFLAGS_ESN (Netipsec 0x400): the SA uses 64-bit extended sequence numbers (RFC 4303 §2.2.1), which
    /// neither RFC 2367 nor Linux's PF_KEY can express (Linux has it only in XFRM netlink, XFRM_STATE_ESN).
    /// </summary>
    Esn = 0x400,

    /// <summary>
    /// SADB_X_EXT_PRAND (KAME 0x0100): ESP pads with random bytes (setkey <c>-f random-pad</c>). With
    /// <see cref="PaddingZero"/> it forms KAME's padding field SADB_X_EXT_PMASK, where 0 is SADB_X_EXT_PSEQ (1, 2, 3, ...).
    /// </summary>
    PaddingRandom = 0x100,

    /// <summary>SADB_X_EXT_PZERO (KAME 0x0200): ESP pads with zeros (setkey <c>-f zero-pad</c>).</summary>
    PaddingZero = 0x200,

    /// <summary>SADB_SAFLAGS_NOPMTUDISC (Linux).</summary>
    NoPmtuDisc = 0x20000000,

    /// <summary>SADB_SAFLAGS_DECAP_DSCP (Linux).</summary>
    DecapDscp = 0x40000000,

    /// <summary>SADB_SAFLAGS_NOECN (Linux).</summary>
    NoEcn = 0x80000000,
}

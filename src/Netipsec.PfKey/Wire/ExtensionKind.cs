namespace Netipsec.PfKey.Wire;

/// <summary>The structure an extension type is laid out as; several types share one (all addresses, both keys ...).</summary>
internal enum ExtensionKind
{
    Unknown = 0,
    Sa,
    Lifetime,
    Address,
    Key,
    Identity,
    Sensitivity,
    Proposal,
    Supported,
    SpiRange,
    KmPrivate,
    Policy,
    Sa2,
    NatTType,
    NatTPort,
    SecurityContext,
    KmAddress,
    Filter,
    Ereg,
    Eprop,
    KmCookie,
    Pair,
    ReplaySequence,
}

using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Setkey;

/// <summary>An errno and a diagnostic of a PF_KEY reply in words, for people reading setkey output.</summary>
public static class PfKeyErrorText
{
    /// <summary>The errno as strerror(3) words and its symbolic name: "File exists (EEXIST)".</summary>
    public static string Describe(PfKeyErrno errno) => errno switch
    {
        PfKeyErrno.None => "Success",
        PfKeyErrno.NotPermitted => "Operation not permitted (EPERM)",
        PfKeyErrno.NoEntry => "No such file or directory (ENOENT)",
        PfKeyErrno.NoSuchEntity => "No such process (ESRCH)",
        PfKeyErrno.NoMemory => "Cannot allocate memory (ENOMEM)",
        PfKeyErrno.Busy => "Device or resource busy (EBUSY)",
        PfKeyErrno.Exists => "File exists (EEXIST)",
        PfKeyErrno.InvalidArgument => "Invalid argument (EINVAL)",

        // EPIPE: a socket channel's send error when netipsecd closed the connection (PfKeyErrno.BrokenPipe on main).
        PfKeyErrno.BrokenPipe => "Broken pipe (EPIPE)",
        PfKeyErrno.MessageSize => "Message too long (EMSGSIZE)",
        PfKeyErrno.ProtocolNotSupported => "Protocol not supported (EPROTONOSUPPORT)",
        PfKeyErrno.OperationNotSupported => "Operation not supported (EOPNOTSUPP)",
        PfKeyErrno.NoBufferSpace => "No buffer space available (ENOBUFS)",
        _ => $"errno {(byte)errno}",
    };

    /// <summary>What the diagnostic says went wrong, or null for <see cref="PfKeyDiagnostic.None"/>.</summary>
    public static string? Describe(PfKeyDiagnostic diagnostic) => diagnostic switch
    {
        PfKeyDiagnostic.None => null,
        PfKeyDiagnostic.UnknownMsg => "unknown message type",
        PfKeyDiagnostic.UnknownExt => "unknown extension type",
        PfKeyDiagnostic.BadExtLen => "an extension has a bad length",
        PfKeyDiagnostic.UnknownSaType => "unknown SA type",
        PfKeyDiagnostic.SaTypeNeeded => "the message needs an SA type",
        PfKeyDiagnostic.NoSadbs => "no database for that SA type",
        PfKeyDiagnostic.NoExt => "a required extension is missing",
        PfKeyDiagnostic.BadSrcAf => "bad source address family",
        PfKeyDiagnostic.BadDstAf => "bad destination address family",
        PfKeyDiagnostic.BadProxyAf => "bad proxy or inner source address family",
        PfKeyDiagnostic.AfMismatch => "source and destination address families differ",
        PfKeyDiagnostic.BadSrc => "unusable source address",
        PfKeyDiagnostic.BadDst => "unusable destination address",
        PfKeyDiagnostic.AllocHsErr => "soft allocation limit above the hard one",
        PfKeyDiagnostic.BytesHsErr => "soft byte limit above the hard one",
        PfKeyDiagnostic.AddtimeHsErr => "soft add-time limit above the hard one",
        PfKeyDiagnostic.UsetimeHsErr => "soft use-time limit above the hard one",
        PfKeyDiagnostic.MissingSrc => "source address missing",
        PfKeyDiagnostic.MissingDst => "destination address missing",
        PfKeyDiagnostic.MissingSa => "SA extension missing",
        PfKeyDiagnostic.MissingEKey => "encryption key missing",
        PfKeyDiagnostic.MissingAKey => "authentication key missing",
        PfKeyDiagnostic.MissingRange => "SPI range missing",
        PfKeyDiagnostic.DuplicateSrc => "source address given twice",
        PfKeyDiagnostic.DuplicateDst => "destination address given twice",
        PfKeyDiagnostic.DuplicateSa => "SA extension given twice",
        PfKeyDiagnostic.DuplicateEKey => "encryption key given twice",
        PfKeyDiagnostic.DuplicateAKey => "authentication key given twice",
        PfKeyDiagnostic.DuplicateRange => "SPI range given twice",
        PfKeyDiagnostic.MalformedSrc => "malformed source address",
        PfKeyDiagnostic.MalformedDst => "malformed destination address",
        PfKeyDiagnostic.MalformedSa => "malformed SA extension",
        PfKeyDiagnostic.MalformedEKey => "malformed encryption key",
        PfKeyDiagnostic.MalformedAKey => "malformed authentication key",
        PfKeyDiagnostic.MalformedRange => "malformed SPI range",
        PfKeyDiagnostic.AKeyPresent => "an authentication key where none belongs",
        PfKeyDiagnostic.EKeyPresent => "an encryption key where none belongs",
        PfKeyDiagnostic.PropPresent => "a proposal where none belongs",
        PfKeyDiagnostic.SuppPresent => "a supported-algorithms list where none belongs",
        PfKeyDiagnostic.BadAalg => "authentication algorithm not usable here",
        PfKeyDiagnostic.BadEalg => "encryption algorithm not usable here",
        PfKeyDiagnostic.BadSaFlags => "SA flags not allowed",
        PfKeyDiagnostic.BadSaState => "SA state not allowed",
        PfKeyDiagnostic.BadAKeyBits => "authentication key size wrong for the algorithm",
        PfKeyDiagnostic.BadEKeyBits => "encryption key size wrong for the algorithm",
        PfKeyDiagnostic.EncrNotSupp => "no crypto engine runs this algorithm",
        PfKeyDiagnostic.WeakEKey => "weak encryption key",
        PfKeyDiagnostic.WeakAKey => "weak authentication key",
        PfKeyDiagnostic.DuplicateKmp => "key-management protocol given twice",
        PfKeyDiagnostic.DuplicateKmc => "key-management cookie given twice",
        PfKeyDiagnostic.MissingNattLoc => "local NAT-T address missing",
        PfKeyDiagnostic.MissingNattRem => "remote NAT-T address missing",
        PfKeyDiagnostic.DuplicateNattLoc => "local NAT-T address given twice",
        PfKeyDiagnostic.DuplicateNattRem => "remote NAT-T address given twice",
        PfKeyDiagnostic.MalformedNattLoc => "malformed local NAT-T address",
        PfKeyDiagnostic.MalformedNattRem => "malformed remote NAT-T address",
        PfKeyDiagnostic.DuplicateNattPorts => "NAT-T ports given twice",
        PfKeyDiagnostic.MissingInnerSrc => "inner source address missing",
        PfKeyDiagnostic.MissingInnerDst => "inner destination address missing",
        PfKeyDiagnostic.DuplicateInnerSrc => "inner source address given twice",
        PfKeyDiagnostic.DuplicateInnerDst => "inner destination address given twice",
        PfKeyDiagnostic.MalformedInnerSrc => "malformed inner source address",
        PfKeyDiagnostic.MalformedInnerDst => "malformed inner destination address",
        PfKeyDiagnostic.PrefixInnerSrc => "inner source prefix length out of range",
        PfKeyDiagnostic.PrefixInnerDst => "inner destination prefix length out of range",
        PfKeyDiagnostic.BadInnerDstAf => "bad inner destination address family",
        PfKeyDiagnostic.InnerAfMismatch => "inner source and destination address families differ",
        PfKeyDiagnostic.BadNattRemAf => "bad remote NAT-T address family",
        PfKeyDiagnostic.BadNattLocAf => "bad local NAT-T address family",
        PfKeyDiagnostic.ProtoMismatch => "source and destination protocols differ",
        PfKeyDiagnostic.InnerProtoMismatch => "inner source and destination protocols differ",
        PfKeyDiagnostic.DualPortSets => "ports on both the outer and the inner addresses",
        PfKeyDiagnostic.PairInappropriate => "a pair where the message cannot take one",
        PfKeyDiagnostic.PairAddMismatch => "the paired SA does not match this one",
        PfKeyDiagnostic.PairAlready => "the SA is already paired",
        PfKeyDiagnostic.PairSaNotFound => "the paired SA does not exist",
        PfKeyDiagnostic.BadSaDirection => "inbound/outbound flags do not fit the addresses",
        PfKeyDiagnostic.SaNotFound => "SA not found",
        PfKeyDiagnostic.SaExpired => "SA expired",
        _ => $"diagnostic {(ushort)diagnostic}",
    };

    /// <summary>"File exists (EEXIST)", with ": " and the diagnostic's words when there is one.</summary>
    public static string Describe(PfKeyErrno errno, PfKeyDiagnostic diagnostic) =>
        Describe(diagnostic) is { } detail ? $"{Describe(errno)}: {detail}" : Describe(errno);
}

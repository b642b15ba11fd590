namespace Netipsec.PfKey.Wire;

/// <summary>Which structure each extension type uses, its fixed size, and the check of its body.</summary>
internal static class ExtensionLayout
{
    /// <summary>One more than the largest extension type, so a type indexes per-type tables directly.</summary>
    public const int TypeLimit = (int)ExtensionType.ReplaySequence + 1;

    public static ExtensionKind KindOf(ExtensionType type) => type switch
    {
        ExtensionType.Sa => ExtensionKind.Sa,
        ExtensionType.LifetimeCurrent or ExtensionType.LifetimeHard or ExtensionType.LifetimeSoft => ExtensionKind.Lifetime,
        ExtensionType.AddressSrc or ExtensionType.AddressDst or ExtensionType.AddressProxy or ExtensionType.NatTOa
            or ExtensionType.AddressNattLoc or ExtensionType.AddressNattRem
            or ExtensionType.AddressInnerSrc or ExtensionType.AddressInnerDst => ExtensionKind.Address,
        ExtensionType.KeyAuth or ExtensionType.KeyEncrypt => ExtensionKind.Key,
        ExtensionType.IdentitySrc or ExtensionType.IdentityDst => ExtensionKind.Identity,
        ExtensionType.Sensitivity => ExtensionKind.Sensitivity,
        ExtensionType.Proposal => ExtensionKind.Proposal,
        ExtensionType.SupportedAuth or ExtensionType.SupportedEncrypt => ExtensionKind.Supported,
        ExtensionType.SpiRange => ExtensionKind.SpiRange,
        ExtensionType.KmPrivate => ExtensionKind.KmPrivate,
        ExtensionType.Policy => ExtensionKind.Policy,
        ExtensionType.Sa2 => ExtensionKind.Sa2,
        ExtensionType.NatTType => ExtensionKind.NatTType,
        ExtensionType.NatTSport or ExtensionType.NatTDport => ExtensionKind.NatTPort,
        ExtensionType.SecCtx => ExtensionKind.SecurityContext,
        ExtensionType.KmAddress => ExtensionKind.KmAddress,
        ExtensionType.Filter => ExtensionKind.Filter,
        ExtensionType.Ereg => ExtensionKind.Ereg,
        ExtensionType.Eprop => ExtensionKind.Eprop,
        ExtensionType.KmCookie => ExtensionKind.KmCookie,
        ExtensionType.Pair => ExtensionKind.Pair,
        ExtensionType.ReplaySequence => ExtensionKind.ReplaySequence,
        _ => ExtensionKind.Unknown,
    };

    /// <summary>sizeof the extension's fixed structure: anything shorter is malformed.</summary>
    public static int FixedLength(ExtensionKind kind) => kind switch
    {
        ExtensionKind.Sa => SaExtension.FixedLength,
        ExtensionKind.Lifetime => LifetimeExtension.FixedLength,
        ExtensionKind.Address => AddressExtension.FixedLength,
        ExtensionKind.Key => KeyExtension.FixedLength,
        ExtensionKind.Identity => IdentityExtension.FixedLength,
        ExtensionKind.Sensitivity => SensitivityExtension.FixedLength,
        ExtensionKind.Proposal => ProposalExtension.FixedLength,
        ExtensionKind.Supported => SupportedExtension.FixedLength,
        ExtensionKind.SpiRange => SpiRangeExtension.FixedLength,
        ExtensionKind.KmPrivate => KmPrivateExtension.FixedLength,
        ExtensionKind.Policy => PolicyExtension.FixedLength,
        ExtensionKind.Sa2 => Sa2Extension.FixedLength,
        ExtensionKind.NatTType => NatTTypeExtension.FixedLength,
        ExtensionKind.NatTPort => NatTPortExtension.FixedLength,
        ExtensionKind.SecurityContext => SecurityContextExtension.FixedLength,
        ExtensionKind.KmAddress => KmAddressExtension.FixedLength,
        ExtensionKind.Filter => FilterExtension.FixedLength,
        ExtensionKind.Ereg => EregExtension.FixedLength,
        ExtensionKind.Eprop => EpropExtension.FixedLength,
        ExtensionKind.KmCookie => KmCookieExtension.FixedLength,
        ExtensionKind.Pair => PairExtension.FixedLength,
        ExtensionKind.ReplaySequence => ReplaySequenceExtension.FixedLength,
        _ => int.MaxValue,
    };

    /// <summary>Checks an extension's body by decoding it: the accessors later decode the same bytes and cannot fail.</summary>
    public static PfKeyParseError Validate(ExtensionKind kind, ReadOnlySpan<byte> extension) => kind switch
    {
        ExtensionKind.Sa => SaExtension.TryRead(extension, out _),
        ExtensionKind.Lifetime => LifetimeExtension.TryRead(extension, out _),
        ExtensionKind.Address => AddressExtension.TryRead(extension, out _),
        ExtensionKind.Key => KeyExtension.TryRead(extension, out _),
        ExtensionKind.Identity => IdentityExtension.TryRead(extension, out _),
        ExtensionKind.Sensitivity => SensitivityExtension.TryRead(extension, out _),
        ExtensionKind.Proposal => ProposalExtension.TryRead(extension, out _),
        ExtensionKind.Supported => SupportedExtension.TryRead(extension, out _),
        ExtensionKind.SpiRange => SpiRangeExtension.TryRead(extension, out _),
        ExtensionKind.KmPrivate => KmPrivateExtension.TryRead(extension, out _),
        ExtensionKind.Policy => PolicyExtension.TryRead(extension, out _),
        ExtensionKind.Sa2 => Sa2Extension.TryRead(extension, out _),
        ExtensionKind.NatTType => NatTTypeExtension.TryRead(extension, out _),
        ExtensionKind.NatTPort => NatTPortExtension.TryRead(extension, out _),
        ExtensionKind.SecurityContext => SecurityContextExtension.TryRead(extension, out _),
        ExtensionKind.KmAddress => KmAddressExtension.TryRead(extension, out _),
        ExtensionKind.Filter => FilterExtension.TryRead(extension, out _),
        ExtensionKind.Ereg => EregExtension.TryRead(extension, out _),
        ExtensionKind.Eprop => EpropExtension.TryRead(extension, out _),
        ExtensionKind.KmCookie => KmCookieExtension.TryRead(extension, out _),
        ExtensionKind.Pair => PairExtension.TryRead(extension, out _),
        ExtensionKind.ReplaySequence => ReplaySequenceExtension.TryRead(extension, out _),
        _ => PfKeyParseError.UnknownExtension,
    };
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// The one table from a parse failure to the reply's errno and diagnostic. Length errors of the base header are
/// EMSGSIZE, as Linux answers them; everything else is EINVAL. The diagnostic names the extension where the seed's
/// list has a code for it (DUPLICATE_SA, MALFORMED_SRC, BAD_INNER_DST_AF ...); an extension without its own code gets
/// BAD_EXTLEN for a malformed body and NONE for a duplicate, which no code describes.
/// </summary>
public static class PfKeyErrors
{
    /// <summary>The error for <paramref name="reason"/> found in <paramref name="extension"/> (Reserved: the base header).</summary>
    public static PfKeyError For(PfKeyParseError reason, ExtensionType extension = ExtensionType.Reserved)
    {
        PfKeyErrno errno = reason is PfKeyParseError.TooShort or PfKeyParseError.LengthMismatch
            ? PfKeyErrno.MessageSize
            : PfKeyErrno.InvalidArgument;
        PfKeyDiagnostic diagnostic = reason switch
        {
            PfKeyParseError.UnknownMessageType => PfKeyDiagnostic.UnknownMsg,
            PfKeyParseError.UnknownSaType => PfKeyDiagnostic.UnknownSaType,
            PfKeyParseError.BadExtensionLength or PfKeyParseError.BadIpsecRequest => PfKeyDiagnostic.BadExtLen,
            PfKeyParseError.UnknownExtension => PfKeyDiagnostic.UnknownExt,
            PfKeyParseError.DuplicateExtension => Duplicate(extension),
            PfKeyParseError.MalformedExtension or PfKeyParseError.BadSockaddrLength or PfKeyParseError.KeyBitsTooLong => Malformed(extension),
            PfKeyParseError.BadAddressFamily => BadFamily(extension),
            PfKeyParseError.BadPrefixLength => BadPrefix(extension),
            _ => PfKeyDiagnostic.None,
        };
        return reason == PfKeyParseError.None
            ? default
            : new PfKeyError(reason, extension, errno, diagnostic);
    }

    private static PfKeyDiagnostic Duplicate(ExtensionType extension) => extension switch
    {
        ExtensionType.Sa => PfKeyDiagnostic.DuplicateSa,
        ExtensionType.AddressSrc => PfKeyDiagnostic.DuplicateSrc,
        ExtensionType.AddressDst => PfKeyDiagnostic.DuplicateDst,
        ExtensionType.KeyAuth => PfKeyDiagnostic.DuplicateAKey,
        ExtensionType.KeyEncrypt => PfKeyDiagnostic.DuplicateEKey,
        ExtensionType.SpiRange => PfKeyDiagnostic.DuplicateRange,
        ExtensionType.KmCookie => PfKeyDiagnostic.DuplicateKmc,
        ExtensionType.AddressNattLoc => PfKeyDiagnostic.DuplicateNattLoc,
        ExtensionType.AddressNattRem => PfKeyDiagnostic.DuplicateNattRem,
        ExtensionType.NatTSport or ExtensionType.NatTDport => PfKeyDiagnostic.DuplicateNattPorts,
        ExtensionType.AddressInnerSrc => PfKeyDiagnostic.DuplicateInnerSrc,
        ExtensionType.AddressInnerDst => PfKeyDiagnostic.DuplicateInnerDst,
        _ => PfKeyDiagnostic.None,
    };

    private static PfKeyDiagnostic Malformed(ExtensionType extension) => extension switch
    {
        ExtensionType.Sa => PfKeyDiagnostic.MalformedSa,
        ExtensionType.AddressSrc => PfKeyDiagnostic.MalformedSrc,
        ExtensionType.AddressDst => PfKeyDiagnostic.MalformedDst,
        ExtensionType.KeyAuth => PfKeyDiagnostic.MalformedAKey,
        ExtensionType.KeyEncrypt => PfKeyDiagnostic.MalformedEKey,
        ExtensionType.SpiRange => PfKeyDiagnostic.MalformedRange,
        ExtensionType.AddressNattLoc => PfKeyDiagnostic.MalformedNattLoc,
        ExtensionType.AddressNattRem => PfKeyDiagnostic.MalformedNattRem,
        ExtensionType.AddressInnerSrc => PfKeyDiagnostic.MalformedInnerSrc,
        ExtensionType.AddressInnerDst => PfKeyDiagnostic.MalformedInnerDst,
        _ => PfKeyDiagnostic.BadExtLen,
    };

    private static PfKeyDiagnostic BadFamily(ExtensionType extension) => extension switch
    {
        ExtensionType.AddressSrc => PfKeyDiagnostic.BadSrcAf,
        ExtensionType.AddressDst => PfKeyDiagnostic.BadDstAf,
        ExtensionType.AddressProxy => PfKeyDiagnostic.BadProxyAf,
        ExtensionType.AddressInnerSrc => PfKeyDiagnostic.BadInnerSrcAf,
        ExtensionType.AddressInnerDst => PfKeyDiagnostic.BadInnerDstAf,
        ExtensionType.AddressNattLoc => PfKeyDiagnostic.BadNattLocAf,
        ExtensionType.AddressNattRem => PfKeyDiagnostic.BadNattRemAf,
        _ => Malformed(extension),
    };

    private static PfKeyDiagnostic BadPrefix(ExtensionType extension) => extension switch
    {
        ExtensionType.AddressInnerSrc => PfKeyDiagnostic.PrefixInnerSrc,
        ExtensionType.AddressInnerDst => PfKeyDiagnostic.PrefixInnerDst,
        _ => Malformed(extension),
    };
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// A validated PF_KEY v2 message: the base header and an index of its extensions, viewing the caller's bytes
/// (RFC 2367 §2). <see cref="TryParse"/> checks everything the wire format alone can tell — version, lengths in
/// 8-byte units, each extension's length, type, uniqueness and inner structure — so the typed accessors afterwards
/// cannot fail; what a message type requires or forbids is the service's business. Nothing here allocates, and no
/// length field, however wrong, makes a read leave the span.
/// </summary>
/// <remarks>A view: valid only while the caller's buffer is unchanged. Not thread-safe to share across a buffer reuse.</remarks>
public readonly ref struct PfKeyMessage
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly ExtensionOffsets _offsets;

    private PfKeyMessage(ReadOnlySpan<byte> bytes, PfKeyHeader header, ExtensionOffsets offsets)
    {
        _bytes = bytes;
        Header = header;
        _offsets = offsets;
    }

    public PfKeyHeader Header { get; }

    /// <summary>The whole message, header included.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The extensions in the order they were sent.</summary>
    public ExtensionEnumerator Extensions => new(_bytes.IsEmpty ? default : _bytes[PfKeyHeader.Length..]);

    /// <summary>
    /// Parses and validates <paramref name="message"/>, which must be exactly one message (its <c>sadb_msg_len</c>
    /// bytes). On failure <paramref name="error"/> says why, with the errno and diagnostic the reply should carry.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> message, PfKeyOrigin origin, out PfKeyMessage parsed, out PfKeyError error)
    {
        parsed = default;
        PfKeyParseError headerError = CheckHeader(message, origin);
        if (headerError != PfKeyParseError.None)
        {
            error = PfKeyErrors.For(headerError);
            return false;
        }

        var offsets = default(ExtensionOffsets);
        for (int offset = PfKeyHeader.Length; offset < message.Length;)
        {
            ReadOnlySpan<byte> rest = message[offset..];
            int length = HostOrder.ReadUInt16(rest) * PfKeyConstants.Alignment;
            var type = (ExtensionType)HostOrder.ReadUInt16(rest[2..]);
            PfKeyParseError extensionError = CheckExtension(rest, length, type, in offsets);
            if (extensionError != PfKeyParseError.None)
            {
                error = PfKeyErrors.For(extensionError, type);
                return false;
            }

            offsets[(int)type] = (ushort)(offset / PfKeyConstants.Alignment);
            offset += length;
        }

        parsed = new PfKeyMessage(message, PfKeyHeader.Read(message), offsets);
        error = default;
        return true;
    }

    public bool Contains(ExtensionType type) => (uint)type < ExtensionLayout.TypeLimit && _offsets[(int)type] != 0;

    /// <summary>The raw bytes of extension <paramref name="type"/>, header included.</summary>
    public bool TryGetExtension(ExtensionType type, out ReadOnlySpan<byte> extension)
    {
        if (!Contains(type))
        {
            extension = default;
            return false;
        }

        int offset = _offsets[(int)type] * PfKeyConstants.Alignment;
        extension = _bytes.Slice(offset, HostOrder.ReadUInt16(_bytes[offset..]) * PfKeyConstants.Alignment);
        return true;
    }

    public bool TryGetSa(out SaExtension value) => TryRead(ExtensionType.Sa, SaExtension.TryRead, out value);

    /// <param name="type">LifetimeCurrent, LifetimeHard or LifetimeSoft.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a lifetime extension.</exception>
    public bool TryGetLifetime(ExtensionType type, out LifetimeExtension value) => TryRead(type, ExtensionKind.Lifetime, LifetimeExtension.TryRead, out value);

    /// <param name="type">One of the address extensions (SRC, DST, PROXY, NAT_T_OA, NATT_LOC/REM, INNER_SRC/DST).</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not an address extension.</exception>
    public bool TryGetAddress(ExtensionType type, out AddressExtension value) => TryRead(type, ExtensionKind.Address, AddressExtension.TryRead, out value);

    /// <param name="type">KeyAuth or KeyEncrypt.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a key extension.</exception>
    public bool TryGetKey(ExtensionType type, out KeyExtension value) => TryRead(type, ExtensionKind.Key, KeyExtension.TryRead, out value);

    /// <param name="type">IdentitySrc or IdentityDst.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not an identity extension.</exception>
    public bool TryGetIdentity(ExtensionType type, out IdentityExtension value) => TryRead(type, ExtensionKind.Identity, IdentityExtension.TryRead, out value);

    public bool TryGetSensitivity(out SensitivityExtension value) => TryRead(ExtensionType.Sensitivity, SensitivityExtension.TryRead, out value);

    public bool TryGetProposal(out ProposalExtension value) => TryRead(ExtensionType.Proposal, ProposalExtension.TryRead, out value);

    /// <param name="type">SupportedAuth or SupportedEncrypt.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a supported-algorithms extension.</exception>
    public bool TryGetSupported(ExtensionType type, out SupportedExtension value) => TryRead(type, ExtensionKind.Supported, SupportedExtension.TryRead, out value);

    public bool TryGetSpiRange(out SpiRangeExtension value) => TryRead(ExtensionType.SpiRange, SpiRangeExtension.TryRead, out value);

    public bool TryGetKmPrivate(out KmPrivateExtension value) => TryRead(ExtensionType.KmPrivate, KmPrivateExtension.TryRead, out value);

    public bool TryGetPolicy(out PolicyExtension value) => TryRead(ExtensionType.Policy, PolicyExtension.TryRead, out value);

    public bool TryGetSa2(out Sa2Extension value) => TryRead(ExtensionType.Sa2, Sa2Extension.TryRead, out value);

    public bool TryGetNatTType(out NatTTypeExtension value) => TryRead(ExtensionType.NatTType, NatTTypeExtension.TryRead, out value);

    /// <param name="type">NatTSport or NatTDport.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a NAT-T port extension.</exception>
    public bool TryGetNatTPort(ExtensionType type, out NatTPortExtension value) => TryRead(type, ExtensionKind.NatTPort, NatTPortExtension.TryRead, out value);

    public bool TryGetSecurityContext(out SecurityContextExtension value) => TryRead(ExtensionType.SecCtx, SecurityContextExtension.TryRead, out value);

    public bool TryGetKmAddress(out KmAddressExtension value) => TryRead(ExtensionType.KmAddress, KmAddressExtension.TryRead, out value);

    public bool TryGetFilter(out FilterExtension value) => TryRead(ExtensionType.Filter, FilterExtension.TryRead, out value);

    public bool TryGetEreg(out EregExtension value) => TryRead(ExtensionType.Ereg, EregExtension.TryRead, out value);

    public bool TryGetEprop(out EpropExtension value) => TryRead(ExtensionType.Eprop, EpropExtension.TryRead, out value);

    public bool TryGetKmCookie(out KmCookieExtension value) => TryRead(ExtensionType.KmCookie, KmCookieExtension.TryRead, out value);

    public bool TryGetPair(out PairExtension value) => TryRead(ExtensionType.Pair, PairExtension.TryRead, out value);

    public bool TryGetReplaySequence(out ReplaySequenceExtension value) => TryRead(ExtensionType.ReplaySequence, ReplaySequenceExtension.TryRead, out value);

    internal static bool IsKnown(MessageType type) =>
        type is > MessageType.Reserved and <= MessageType.Migrate or >= MessageType.InverseAcquire and <= MessageType.DelPair;

    internal static bool IsKnown(SaType type) =>
        type is SaType.Unspecified or SaType.Ah or SaType.Esp or SaType.Rsvp or SaType.Ospfv2 or SaType.Ripv2 or SaType.Mip or SaType.IpComp;

    /// <summary>
    /// A base-header-only SADB_X_PROMISC carries the socket's new promiscuous mode in <c>sadb_msg_satype</c>: 1 on,
    /// 0 off (af_key.c's pfkey_promisc), where 1 is no SA type.
    /// </summary>
    internal static bool IsPromiscuousSwitch(PfKeyHeader header, int length) =>
        header.Type == MessageType.Promisc && length == PfKeyHeader.Length && (byte)header.SaType <= 1;

    // Linux answers a bad version, type or reserved field with EINVAL and a length disagreement with EMSGSIZE
    // (af_key.c, pfkey_get_base_msg); the order of the checks follows it.
    private static PfKeyParseError CheckHeader(ReadOnlySpan<byte> message, PfKeyOrigin origin)
    {
        if (message.Length < PfKeyHeader.Length)
        {
            return PfKeyParseError.TooShort;
        }

        if (PfKeyHeader.ReadVersion(message) != PfKeyConstants.Version)
        {
            return PfKeyParseError.BadVersion;
        }

        PfKeyHeader header = PfKeyHeader.Read(message);
        if (!IsKnown(header.Type))
        {
            return PfKeyParseError.UnknownMessageType;
        }

        if (PfKeyHeader.ReadLengthUnits(message) * PfKeyConstants.Alignment != message.Length)
        {
            return PfKeyParseError.LengthMismatch;
        }

        if (!IsKnown(header.SaType) && !IsPromiscuousSwitch(header, message.Length))
        {
            return PfKeyParseError.UnknownSaType;
        }

        if (origin == PfKeyOrigin.Client)
        {
            if (header.Diagnostic != PfKeyDiagnostic.None)
            {
                return PfKeyParseError.ReservedNotZero;
            }

            if (header.Errno != PfKeyErrno.None && header.Type != MessageType.Acquire)
            {
                return PfKeyParseError.UnexpectedErrno;
            }
        }
        else if ((ushort)header.Diagnostic > PfKeyConstants.DiagnosticMax)
        {
            return PfKeyParseError.UnknownDiagnostic;
        }

        // The seed: an error is reported with the base header alone.
        return header.Errno != PfKeyErrno.None && message.Length > PfKeyHeader.Length
            ? PfKeyParseError.ErrorWithExtensions
            : PfKeyParseError.None;
    }

    /// <summary>Checks the extension at the start of <paramref name="rest"/>, whose header claims <paramref name="length"/> bytes.</summary>
    private static PfKeyParseError CheckExtension(ReadOnlySpan<byte> rest, int length, ExtensionType type, in ExtensionOffsets seen)
    {
        if (length == 0 || length > rest.Length)
        {
            return PfKeyParseError.BadExtensionLength;
        }

        ExtensionKind kind = ExtensionLayout.KindOf(type);
        if (kind == ExtensionKind.Unknown)
        {
            return PfKeyParseError.UnknownExtension;
        }

        if (seen[(int)type] != 0)
        {
            return PfKeyParseError.DuplicateExtension;
        }

        return length < ExtensionLayout.FixedLength(kind)
            ? PfKeyParseError.MalformedExtension
            : ExtensionLayout.Validate(kind, rest[..length]);
    }

    /// <summary>Reads extension <paramref name="type"/>, which must be of <paramref name="kind"/> (a caller's mistake otherwise).</summary>
    private bool TryRead<T>(ExtensionType type, ExtensionKind kind, ExtensionReader<T> read, out T value)
        where T : allows ref struct
    {
        if (ExtensionLayout.KindOf(type) != kind)
        {
            throw new ArgumentException($"{type} is not a {kind} extension.", nameof(type));
        }

        return TryRead(type, read, out value);
    }

    // TryParse has validated every extension, so a read failing here means the extension is absent.
    private bool TryRead<T>(ExtensionType type, ExtensionReader<T> read, out T value)
        where T : allows ref struct
    {
        value = default!;
        return TryGetExtension(type, out ReadOnlySpan<byte> extension) && read(extension, out value) == PfKeyParseError.None;
    }

    private delegate PfKeyParseError ExtensionReader<T>(ReadOnlySpan<byte> extension, out T value)
        where T : allows ref struct;
}

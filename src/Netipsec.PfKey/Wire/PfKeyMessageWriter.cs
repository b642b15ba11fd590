namespace Netipsec.PfKey.Wire;

/// <summary>
/// Builds one PF_KEY message in the caller's buffer: the base header, then extensions in the order added, each
/// padded with zeros to 8 bytes (RFC 2367 §2). After every call the buffer's first <see cref="Length"/> bytes are a
/// complete message, <c>sadb_msg_len</c> included.
/// </summary>
/// <remarks>
/// Every <c>TryAdd…</c> returns false, writing nothing, when the extension does not fit the destination (or would
/// take the message past 65535 units); nothing is ever written outside the destination. Adding an extension type
/// twice, or passing a type that does not fit the method, is a programming error and throws. Not thread-safe.
/// </remarks>
public ref struct PfKeyMessageWriter
{
    private readonly Span<byte> _destination;
    private readonly PfKeyHeader _header;
    private int _length;
    private ulong _added;

    private PfKeyMessageWriter(Span<byte> destination, PfKeyHeader header)
    {
        _destination = destination;
        _header = header;
        _length = PfKeyHeader.Length;
        header.WriteTo(destination, _length / PfKeyConstants.Alignment);
    }

    /// <summary>Bytes written so far: the length of the message.</summary>
    public readonly int Length => _length;

    /// <summary>The message built so far.</summary>
    public readonly ReadOnlySpan<byte> Message => _destination[.._length];

    /// <summary>Starts a message with <paramref name="header"/>; false if the destination cannot hold a base header.</summary>
    public static bool TryCreate(Span<byte> destination, PfKeyHeader header, out PfKeyMessageWriter writer)
    {
        if (destination.Length < PfKeyHeader.Length)
        {
            writer = default;
            return false;
        }

        writer = new PfKeyMessageWriter(destination, header);
        return true;
    }

    public bool TryAddSa(SaExtension value)
    {
        if (!TryReserve(ExtensionType.Sa, ExtensionKind.Sa, SaExtension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <param name="type">LifetimeCurrent, LifetimeHard or LifetimeSoft.</param>
    public bool TryAddLifetime(ExtensionType type, LifetimeExtension value)
    {
        if (!TryReserve(type, ExtensionKind.Lifetime, LifetimeExtension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <param name="type">One of the address extensions.</param>
    /// <param name="value">The address; its sockaddr needs an IPv4 or IPv6 address.</param>
    public bool TryAddAddress(ExtensionType type, AddressExtension value)
    {
        if (value.Sockaddr.Family == SockaddrFamily.Unspecified)
        {
            throw new ArgumentException("An address extension needs an IPv4 or IPv6 address.", nameof(value));
        }

        if (!TryReserve(type, ExtensionKind.Address, value.EncodedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <param name="type">KeyAuth or KeyEncrypt.</param>
    public bool TryAddKey(ExtensionType type, scoped KeyExtension value)
    {
        if (!TryReserve(type, ExtensionKind.Key, value.EncodedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <param name="type">IdentitySrc or IdentityDst.</param>
    public bool TryAddIdentity(ExtensionType type, scoped IdentityExtension value)
    {
        if (!TryReserve(type, ExtensionKind.Identity, value.EncodedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    public bool TryAddSensitivity(scoped SensitivityExtension value)
    {
        if (!TryReserve(ExtensionType.Sensitivity, ExtensionKind.Sensitivity, value.EncodedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    public bool TryAddProposal(byte replayWindow, scoped ReadOnlySpan<Combination> combinations)
    {
        if (!TryReserve(ExtensionType.Proposal, ExtensionKind.Proposal, ProposalExtension.EncodedLength(combinations.Length), out Span<byte> extension))
        {
            return false;
        }

        ProposalExtension.WriteBody(extension, replayWindow, combinations);
        return true;
    }

    /// <param name="type">SupportedAuth or SupportedEncrypt.</param>
    /// <param name="algorithms">The algorithms, in the order to list them.</param>
    public bool TryAddSupported(ExtensionType type, scoped ReadOnlySpan<SupportedAlgorithm> algorithms)
    {
        if (!TryReserve(type, ExtensionKind.Supported, SupportedExtension.EncodedLength(algorithms.Length), out Span<byte> extension))
        {
            return false;
        }

        SupportedExtension.WriteBody(extension, algorithms);
        return true;
    }

    public bool TryAddSpiRange(SpiRangeExtension value)
    {
        if (!TryReserve(ExtensionType.SpiRange, ExtensionKind.SpiRange, SpiRangeExtension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    public bool TryAddKmPrivate(scoped KmPrivateExtension value)
    {
        if (!TryReserve(ExtensionType.KmPrivate, ExtensionKind.KmPrivate, value.EncodedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <exception cref="ArgumentException">A request has one tunnel address without the other, or two of different families.</exception>
    public bool TryAddPolicy(PolicyHeader header, scoped ReadOnlySpan<IpsecRequest> requests)
    {
        foreach (IpsecRequest request in requests)
        {
            request.Validate();
        }

        if (!TryReserve(ExtensionType.Policy, ExtensionKind.Policy, PolicyExtension.EncodedLength(requests), out Span<byte> extension))
        {
            return false;
        }

        PolicyExtension.WriteBody(extension, header, requests);
        return true;
    }

    public bool TryAddSa2(Sa2Extension value)
    {
        if (!TryReserve(ExtensionType.Sa2, ExtensionKind.Sa2, Sa2Extension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    public bool TryAddNatTType(NatTTypeExtension value)
    {
        if (!TryReserve(ExtensionType.NatTType, ExtensionKind.NatTType, NatTTypeExtension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <param name="type">NatTSport or NatTDport.</param>
    public bool TryAddNatTPort(ExtensionType type, NatTPortExtension value)
    {
        if (!TryReserve(type, ExtensionKind.NatTPort, NatTPortExtension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    public bool TryAddSecurityContext(scoped SecurityContextExtension value)
    {
        if (!TryReserve(ExtensionType.SecCtx, ExtensionKind.SecurityContext, value.EncodedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <exception cref="ArgumentException">The two addresses differ in family.</exception>
    public bool TryAddKmAddress(KmAddressExtension value)
    {
        value.Validate();
        if (!TryReserve(ExtensionType.KmAddress, ExtensionKind.KmAddress, value.EncodedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <exception cref="ArgumentException">The addresses differ in version, or are unset.</exception>
    public bool TryAddFilter(FilterExtension value)
    {
        value.Validate();
        if (!TryReserve(ExtensionType.Filter, ExtensionKind.Filter, FilterExtension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    public bool TryAddEreg(scoped EregExtension value)
    {
        if (!TryReserve(ExtensionType.Ereg, ExtensionKind.Ereg, value.EncodedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <param name="replayWindow">Replay window size in packets.</param>
    /// <param name="combinations">The combinations, in order of preference.</param>
    /// <param name="descriptors">All descriptors, in order: each combination takes its <see cref="ExtendedCombination.AlgorithmCount"/>.</param>
    /// <exception cref="ArgumentException">The algorithm counts do not add up to the number of descriptors.</exception>
    public bool TryAddEprop(byte replayWindow, scoped ReadOnlySpan<ExtendedCombination> combinations, scoped ReadOnlySpan<AlgorithmDescriptor> descriptors)
    {
        int wanted = 0;
        foreach (ExtendedCombination combination in combinations)
        {
            wanted += combination.AlgorithmCount;
        }

        if (wanted != descriptors.Length || combinations.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The combinations' algorithm counts must add up to the descriptors given.", nameof(descriptors));
        }

        if (!TryReserve(ExtensionType.Eprop, ExtensionKind.Eprop, EpropExtension.EncodedLength(combinations.Length, descriptors.Length), out Span<byte> extension))
        {
            return false;
        }

        EpropExtension.WriteBody(extension, replayWindow, combinations, descriptors);
        return true;
    }

    public bool TryAddKmCookie(KmCookieExtension value)
    {
        if (!TryReserve(ExtensionType.KmCookie, ExtensionKind.KmCookie, KmCookieExtension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    public bool TryAddPair(PairExtension value)
    {
        if (!TryReserve(ExtensionType.Pair, ExtensionKind.Pair, PairExtension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    public bool TryAddReplaySequence(ReplaySequenceExtension value)
    {
        if (!TryReserve(ExtensionType.ReplaySequence, ExtensionKind.ReplaySequence, ReplaySequenceExtension.FixedLength, out Span<byte> extension))
        {
            return false;
        }

        value.WriteBody(extension);
        return true;
    }

    /// <summary>Rounds up to a whole number of 8-byte units.</summary>
    internal static int Align(int length) => (length + PfKeyConstants.Alignment - 1) & ~(PfKeyConstants.Alignment - 1);

    /// <summary>
    /// Claims <paramref name="length"/> zeroed bytes with the <c>sadb_ext</c> header written and the message length
    /// updated; false, changing nothing, when they do not fit.
    /// </summary>
    private bool TryReserve(ExtensionType type, ExtensionKind kind, int length, out Span<byte> extension)
    {
        if (ExtensionLayout.KindOf(type) != kind)
        {
            throw new ArgumentException($"{type} is not a {kind} extension.", nameof(type));
        }

        ulong bit = 1UL << (int)type;
        if ((_added & bit) != 0)
        {
            throw new InvalidOperationException($"The message already has a {type} extension.");
        }

        if (length > _destination.Length - _length || length > PfKeyConstants.MaxMessageLength - _length)
        {
            extension = default;
            return false;
        }

        extension = _destination.Slice(_length, length);
        extension.Clear();
        HostOrder.WriteUInt16(extension, (ushort)(length / PfKeyConstants.Alignment));
        HostOrder.WriteUInt16(extension[2..], (ushort)type);
        _added |= bit;
        _length += length;
        _header.WriteTo(_destination, _length / PfKeyConstants.Alignment);
        return true;
    }
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_REPLAY_SEQ (Netipsec 40), <c>struct sadb_x_replay_seq</c>: the last sequence number already used on
/// the SA (64 bits with ESN), for an SA that continues elsewhere (high availability, migration; Linux sets it over
/// XFRM netlink as XFRMA_REPLAY_ESN_VAL). An outbound SA sends <see cref="Sequence"/> + 1 next; an inbound SA's
/// anti-replay window starts with it as its highest number. ADD and the UPDATE of a larval SA only.
/// <code>
/// | len | exttype | reserved | seq |
///   0     2         4          8
/// </code>
/// </summary>
public readonly record struct ReplaySequenceExtension(ulong Sequence)
{
    internal const int FixedLength = 16;
    private const int SequenceOffset = 8;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out ReplaySequenceExtension value)
    {
        if (extension.Length < FixedLength)
        {
            value = default;
            return PfKeyParseError.MalformedExtension;
        }

        value = new ReplaySequenceExtension(HostOrder.ReadUInt64(extension[SequenceOffset..]));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension) => HostOrder.WriteUInt64(extension[SequenceOffset..], Sequence);
}

using Netipsec.Packets;

namespace Netipsec.Transforms.Modes;

/// <summary>
/// The BEET pseudo-header (RFC 7402 §5), which carries an inner IPv4 header's options through a BEET SA in front of
/// the upper-layer payload, since the outer header that replaces the inner one has none.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +---------------+---------------+---------------+---------------+
/// |  Next Header  |    Hdr Len    |    Pad Len    |   Reserved    |
/// +---------------+---------------+---------------+---------------+
/// |                 Padding (0 or 4 bytes of NOP)                 |
/// +---------------------------------------------------------------+
/// |                         IPv4 options                          |
/// +---------------------------------------------------------------+
/// </code>
/// Hdr Len counts 8-byte units after the first 8, as IPv6 extension headers do; the padding makes the whole a
/// multiple of 8. The options come last, so they sit directly in front of the payload on both sides of the SA and
/// never move: only the 4-byte header and the padding are written in front of them.
/// </remarks>
internal static class BeetPseudoHeader
{
    /// <summary>The protocol number that names a following pseudo-header (IANA "BEET-PH").</summary>
    public const IpProtocol Protocol = (IpProtocol)94;

    /// <summary>Length of the fixed part in front of the padding.</summary>
    public const int FixedLength = 4;

    private const int NextHeaderOffset = 0;
    private const int HeaderLengthOffset = 1;
    private const int PadLengthOffset = 2;
    private const byte NoOperationOption = 1;
    private const int Unit = 8;
    private const int MaxOptionsLength = Ipv4Header.MaxLength - Ipv4Header.MinLength;

    /// <summary>Bytes of padding a pseudo-header needs for <paramref name="optionsLength"/> bytes of options (a multiple of 4).</summary>
    public static int PaddingFor(int optionsLength) => (optionsLength & 4) != 0 ? 0 : 4;

    /// <summary>Writes the fixed part and the padding into <paramref name="destination"/>, right in front of the options.</summary>
    /// <param name="destination">Exactly <see cref="FixedLength"/> + <see cref="PaddingFor"/> bytes.</param>
    /// <param name="next">The upper-layer protocol that follows the options.</param>
    /// <param name="optionsLength">Length of the options that follow.</param>
    public static void WriteFront(Span<byte> destination, IpProtocol next, int optionsLength)
    {
        int padding = destination.Length - FixedLength;
        destination[NextHeaderOffset] = (byte)next;
        destination[HeaderLengthOffset] = (byte)(((FixedLength + padding + optionsLength) / Unit) - 1);
        destination[PadLengthOffset] = (byte)padding;
        destination[3] = 0;
        destination[FixedLength..].Fill(NoOperationOption);
    }

    /// <summary>Reads a received pseudo-header at the start of <paramref name="source"/>; never throws.</summary>
    /// <param name="source">The bytes from the pseudo-header to the end of the packet.</param>
    /// <param name="next">The protocol after the options.</param>
    /// <param name="length">The whole pseudo-header's length, options included.</param>
    /// <param name="optionsLength">The options' length: a multiple of 4 up to 40, what an IPv4 header can hold.</param>
    /// <returns>False when the header is truncated, or its lengths do not leave room for options an IPv4 header can hold.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out IpProtocol next, out int length, out int optionsLength)
    {
        next = default;
        length = 0;
        optionsLength = 0;
        if (source.Length < Unit)
        {
            return false;
        }

        int total = (source[HeaderLengthOffset] + 1) * Unit;
        int options = total - FixedLength - source[PadLengthOffset];
        if (total > source.Length || options < 0 || options > MaxOptionsLength || options % 4 != 0)
        {
            return false;
        }

        next = (IpProtocol)source[NextHeaderOffset];
        length = total;
        optionsLength = options;
        return true;
    }
}

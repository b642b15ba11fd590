namespace Netipsec.Packets;

/// <summary>
/// Splits an IPv4 datagram into fragments of at most an MTU (RFC 791 §2.3 "Fragmentation", §3.2 and its
/// fragmentation procedure). Stateless and thread-safe.
/// </summary>
/// <remarks>
/// Every fragment's data but the last is a multiple of 8 bytes; offsets count in 8-byte units from the original's own
/// offset, so a fragment can be fragmented again (the last piece keeps its MF flag). The first fragment carries all
/// options, the others only those whose copied flag (the top bit of the option type) is set, padded to a 4-byte
/// boundary with end-of-options bytes. Each fragment gets its own total length and header checksum; identification,
/// TOS, TTL, protocol and addresses are those of the original.
/// </remarks>
public static class Ipv4Fragmenter
{
    private const int FragmentUnit = 8;
    private const int MaxOffsetBytes = 0x1FFF * FragmentUnit;
    private const byte EndOfOptions = 0;
    private const byte NoOperation = 1;
    private const byte CopiedFlag = 0x80;

    /// <summary>
    /// Fragments <paramref name="datagram"/>, whose data starts with its IPv4 header, into packets of at most
    /// <paramref name="mtu"/> bytes, rented from its pool and written to <paramref name="fragments"/> in order.
    /// </summary>
    /// <param name="datagram">The datagram; it is not changed and stays the caller's.</param>
    /// <param name="mtu">The largest fragment, IP header included.</param>
    /// <param name="fragments">Receives the fragments, first first.</param>
    /// <param name="count">The fragments written; with <see cref="FragmentationStatus.OutputTooSmall"/>, the number needed.</param>
    /// <returns>
    /// <see cref="FragmentationStatus.Done"/>; <see cref="FragmentationStatus.Fits"/>, <see cref="FragmentationStatus.DontFragment"/>,
    /// <see cref="FragmentationStatus.MtuTooSmall"/>, <see cref="FragmentationStatus.Malformed"/>,
    /// <see cref="FragmentationStatus.OutputTooSmall"/> or <see cref="FragmentationStatus.NoBuffer"/> with nothing rented.
    /// </returns>
    public static FragmentationStatus Fragment(Packet datagram, int mtu, Span<Packet> fragments, out int count)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        count = 0;
        Span<byte> data = datagram.Data;
        if (Ipv4Header.Validate(data, out int headerLength, out int totalLength) != PacketError.None)
        {
            return FragmentationStatus.Malformed;
        }

        if (totalLength <= mtu)
        {
            return FragmentationStatus.Fits;
        }

        var original = new Ipv4Header(data);
        if (original.DontFragment)
        {
            return FragmentationStatus.DontFragment;
        }

        Span<byte> laterHeader = stackalloc byte[Ipv4Header.MaxLength];
        data[..Ipv4Header.MinLength].CopyTo(laterHeader);
        if (!TryCopyCopiedOptions(original.Options, laterHeader[Ipv4Header.MinLength..], out int copiedLength))
        {
            return FragmentationStatus.Malformed;
        }

        int laterHeaderLength = Ipv4Header.MinLength + copiedLength;
        int firstChunk = (mtu - headerLength) & ~(FragmentUnit - 1);
        int laterChunk = (mtu - laterHeaderLength) & ~(FragmentUnit - 1);
        if (firstChunk < FragmentUnit || laterChunk < FragmentUnit)
        {
            return FragmentationStatus.MtuTooSmall;
        }

        int payloadLength = totalLength - headerLength;
        int baseOffset = original.FragmentOffset * FragmentUnit;
        // The last fragment's offset must fit the 13-bit field (RFC 791 §3.1).
        if (baseOffset + payloadLength > MaxOffsetBytes + FragmentUnit)
        {
            return FragmentationStatus.Malformed;
        }

        int needed = 1 + ((payloadLength - firstChunk + laterChunk - 1) / laterChunk);
        if (fragments.Length < needed)
        {
            count = needed;
            return FragmentationStatus.OutputTooSmall;
        }

        if (!FragmentRental.TryRentAll(datagram, fragments[..needed]))
        {
            return FragmentationStatus.NoBuffer;
        }

        bool originalMoreFragments = original.MoreFragments;
        ReadOnlySpan<byte> payload = data[headerLength..totalLength];
        int position = 0;
        for (int i = 0; i < needed; i++)
        {
            ReadOnlySpan<byte> header = i == 0 ? data[..headerLength] : laterHeader[..laterHeaderLength];
            int chunk = Math.Min(payload.Length - position, i == 0 ? firstChunk : laterChunk);
            Span<byte> bytes = FragmentRental.Fill(fragments[i], header.Length + chunk);
            header.CopyTo(bytes);
            payload.Slice(position, chunk).CopyTo(bytes[header.Length..]);
            bool last = i == needed - 1;
            var fragmentHeader = new Ipv4Header(bytes)
            {
                HeaderLength = header.Length,
                TotalLength = (ushort)bytes.Length,
                FragmentOffset = (baseOffset + position) / FragmentUnit,
                MoreFragments = !last || originalMoreFragments,
            };
            fragmentHeader.UpdateChecksum();
            position += chunk;
        }

        count = needed;
        return FragmentationStatus.Done;
    }

    /// <summary>
    /// Copies the options with the copied flag into <paramref name="destination"/>, padded to a multiple of 4 with
    /// end-of-options; false for an option whose length is below 2 or runs past the options.
    /// </summary>
    private static bool TryCopyCopiedOptions(ReadOnlySpan<byte> options, Span<byte> destination, out int written)
    {
        written = 0;
        int index = 0;
        while (index < options.Length)
        {
            byte type = options[index];
            if (type == EndOfOptions)
            {
                break;
            }

            if (type == NoOperation)
            {
                index++;
                continue;
            }

            if (index + 1 >= options.Length || options[index + 1] < 2 || index + options[index + 1] > options.Length)
            {
                return false;
            }

            int length = options[index + 1];
            if ((type & CopiedFlag) != 0)
            {
                options.Slice(index, length).CopyTo(destination[written..]);
                written += length;
            }

            index += length;
        }

        int padded = (written + 3) & ~3;
        destination[written..padded].Clear();
        written = padded;
        return true;
    }
}

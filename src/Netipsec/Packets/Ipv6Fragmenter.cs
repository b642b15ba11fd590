using System.Buffers.Binary;

namespace Netipsec.Packets;

/// <summary>
/// Splits an IPv6 packet into fragments of at most an MTU with a Fragment header (RFC 8200 §4.5), as the source of
/// the packet does (IPv6 routers never fragment). Stateless and thread-safe.
/// </summary>
/// <remarks>
/// <code>
/// +---------------+---------------+-------------------------+-----+-+
/// |  Next Header  |   Reserved    |      Fragment Offset    |Res  |M|
/// +---------------+---------------+-------------------------+-----+-+
/// |                         Identification                          |
/// +-----------------------------------------------------------------+
/// </code>
/// Each fragment repeats the per-fragment headers (the IPv6 header and the extension headers up to and including a
/// routing header, else a hop-by-hop header), with its payload length adjusted and the last next-header byte of that
/// part naming the Fragment header, which names what followed originally. Every fragment's data but the last is a
/// multiple of 8 bytes.
/// </remarks>
public static class Ipv6Fragmenter
{
    /// <summary>Length of the Fragment header.</summary>
    public const int FragmentHeaderLength = 8;

    private const int FragmentUnit = 8;
    private const int OffsetAndFlagsOffset = 2;
    private const int IdentificationOffset = 4;
    private const ushort MoreFragmentsFlag = 1;

    /// <summary>
    /// Fragments <paramref name="packet"/>, whose data starts with its IPv6 header, into packets of at most
    /// <paramref name="mtu"/> bytes carrying <paramref name="identification"/>, rented from its pool and written to
    /// <paramref name="fragments"/> in order.
    /// </summary>
    /// <param name="packet">The packet; it is not changed and stays the caller's.</param>
    /// <param name="mtu">The largest fragment, headers included.</param>
    /// <param name="identification">The identification all fragments share (RFC 7739 advises an unpredictable one).</param>
    /// <param name="fragments">Receives the fragments, first first.</param>
    /// <param name="count">The fragments written; with <see cref="FragmentationStatus.OutputTooSmall"/>, the number needed.</param>
    /// <returns>
    /// <see cref="FragmentationStatus.Done"/>; <see cref="FragmentationStatus.Fits"/>, <see cref="FragmentationStatus.MtuTooSmall"/>,
    /// <see cref="FragmentationStatus.Malformed"/> (including a packet that already has a Fragment header),
    /// <see cref="FragmentationStatus.OutputTooSmall"/> or <see cref="FragmentationStatus.NoBuffer"/> with nothing rented.
    /// </returns>
    public static FragmentationStatus Fragment(Packet packet, int mtu, uint identification, Span<Packet> fragments, out int count)
    {
        ArgumentNullException.ThrowIfNull(packet);
        count = 0;
        Span<byte> data = packet.Data;
        if (!Ipv6ExtensionWalker.TryWalk(data, out Ipv6ExtensionChain chain, out _) || chain.HasFragmentHeader)
        {
            return FragmentationStatus.Malformed;
        }

        if (chain.PacketLength <= mtu)
        {
            return FragmentationStatus.Fits;
        }

        // The walker's IPsec insertion point is exactly the end of the per-fragment headers (RFC 8200 §4.5 and
        // RFC 4303 §3.1.1 draw the line at the same place), and its next-header byte is the one to rewrite.
        int perFragmentLength = chain.IpsecInsertionOffset;
        int nextHeaderField = chain.IpsecNextHeaderOffset;
        int chunk = (mtu - perFragmentLength - FragmentHeaderLength) & ~(FragmentUnit - 1);
        if (chunk < FragmentUnit)
        {
            return FragmentationStatus.MtuTooSmall;
        }

        ReadOnlySpan<byte> fragmentable = data[perFragmentLength..chain.PacketLength];
        int needed = (fragmentable.Length + chunk - 1) / chunk;
        if (fragments.Length < needed)
        {
            count = needed;
            return FragmentationStatus.OutputTooSmall;
        }

        if (!FragmentRental.TryRentAll(packet, fragments[..needed]))
        {
            return FragmentationStatus.NoBuffer;
        }

        byte originalNextHeader = data[nextHeaderField];
        int position = 0;
        for (int i = 0; i < needed; i++)
        {
            int length = Math.Min(chunk, fragmentable.Length - position);
            Span<byte> bytes = FragmentRental.Fill(fragments[i], perFragmentLength + FragmentHeaderLength + length);
            data[..perFragmentLength].CopyTo(bytes);
            bytes[nextHeaderField] = (byte)IpProtocol.Fragment;
            BinaryPrimitives.WriteUInt16BigEndian(bytes[Ipv6Header.PayloadLengthOffset..], (ushort)(bytes.Length - Ipv6Header.Length));

            Span<byte> fragmentHeader = bytes.Slice(perFragmentLength, FragmentHeaderLength);
            fragmentHeader[0] = originalNextHeader;
            fragmentHeader[1] = 0;
            bool last = i == needed - 1;
            BinaryPrimitives.WriteUInt16BigEndian(fragmentHeader[OffsetAndFlagsOffset..], (ushort)(position | (last ? 0 : MoreFragmentsFlag)));
            BinaryPrimitives.WriteUInt32BigEndian(fragmentHeader[IdentificationOffset..], identification);
            fragmentable.Slice(position, length).CopyTo(bytes[(perFragmentLength + FragmentHeaderLength)..]);
            position += length;
        }

        count = needed;
        return FragmentationStatus.Done;
    }
}

using System.Buffers.Binary;

namespace Netipsec.Packets;

/// <summary>
/// Walks an IPv6 packet's extension headers (RFC 8200 §4) from the fixed header to the upper-layer protocol, and works
/// out where a transport-mode ESP or AH header belongs. Stateless and thread-safe; allocates nothing; never throws.
/// </summary>
/// <remarks>
/// <para>
/// Crossed: hop-by-hop options, routing, destination options (length in 8-byte units, not counting the first 8),
/// fragment (always 8 bytes) and AH (length in 4-byte units, not counting the first 2: RFC 4302 §2.2). The walk stops
/// at anything else, and at a non-first fragment, whose later headers are in another fragment.
/// </para>
/// <para>
/// Getting the insertion point right matters: an ESP/AH header placed right after the fixed header, as if there were no
/// extension headers, leaves the stack pointing into the wrong bytes (the Linux offload path once pulled
/// <c>sizeof(ipv6hdr) + header_len</c> and crashed on packets with destination options).
/// </para>
/// </remarks>
public static class Ipv6ExtensionWalker
{
    /// <summary>Most extension headers accepted in one chain; more is treated as malformed (a loop or an attack).</summary>
    public const int MaxExtensionHeaders = 16;

    private const int FragmentHeaderLength = 8;
    private const int FragmentOffsetField = 2;
    private const int FragmentIdentificationField = 4;
    private const int GenericFixedLength = 2;

    /// <summary>Validates the fixed header of <paramref name="packet"/> and walks its extension headers.</summary>
    /// <returns>
    /// True and <see cref="PacketError.None"/> with the chain on success. Otherwise false, a default chain, and the
    /// reason: the fixed-header errors of <see cref="Ipv6Header.TryParse"/>, or
    /// <see cref="PacketError.ExtensionHeaderTruncated"/>, <see cref="PacketError.ExtensionHeaderOverrun"/>,
    /// <see cref="PacketError.HopByHopNotFirst"/>, <see cref="PacketError.TooManyExtensionHeaders"/>. Only bytes up
    /// to the payload length count; bytes after it are ignored.
    /// </returns>
    public static bool TryWalk(ReadOnlySpan<byte> packet, out Ipv6ExtensionChain chain, out PacketError error)
    {
        chain = default;
        error = Ipv6Header.Validate(packet, out int end);
        if (error != PacketError.None)
        {
            return false;
        }

        var next = (IpProtocol)packet[Ipv6Header.NextHeaderOffset];
        int offset = Ipv6Header.Length;
        int count = 0;
        int insertion = Ipv6Header.Length;
        int insertionNextHeader = Ipv6Header.NextHeaderOffset;
        bool hasFragment = false;
        FragmentInfo fragment = default;
        int fragmentOffset = 0;
        int fragmentNamingByte = 0;
        int namingByte = Ipv6Header.NextHeaderOffset; // the byte that names the header at `offset`
        int ipsecOffset = 0;
        int ipsecNamingByte = 0;
        while (IsCrossed(next))
        {
            if (next == IpProtocol.HopByHopOptions && offset != Ipv6Header.Length)
            {
                error = PacketError.HopByHopNotFirst;
                return false;
            }

            if (++count > MaxExtensionHeaders)
            {
                error = PacketError.TooManyExtensionHeaders;
                return false;
            }

            ReadOnlySpan<byte> header = packet[offset..end];
            int fixedLength = next == IpProtocol.Fragment ? FragmentHeaderLength : GenericFixedLength;
            if (header.Length < fixedLength)
            {
                error = PacketError.ExtensionHeaderTruncated;
                return false;
            }

            int length = next switch
            {
                IpProtocol.Fragment => FragmentHeaderLength,
                IpProtocol.Ah => (header[1] + 2) * 4,
                _ => (header[1] + 1) * 8,
            };
            if (length > header.Length)
            {
                error = PacketError.ExtensionHeaderOverrun;
                return false;
            }

            if (next is IpProtocol.HopByHopOptions or IpProtocol.Routing or IpProtocol.Fragment)
            {
                // ESP/AH go after these; a destination options header before a routing header is passed by the
                // routing header's own update, one after it (or at the end) stays behind the ESP/AH header.
                insertion = offset + length;
                insertionNextHeader = offset;
            }

            if (next == IpProtocol.Ah && ipsecOffset == 0)
            {
                ipsecOffset = offset;
                ipsecNamingByte = namingByte;
            }

            bool isFragment = next == IpProtocol.Fragment;
            if (isFragment)
            {
                fragmentOffset = offset;
                fragmentNamingByte = namingByte;
            }

            next = (IpProtocol)header[0];
            namingByte = offset;
            offset += length;
            if (isFragment)
            {
                hasFragment = true;
                fragment = ReadFragment(header);
                if (fragment.IsNonFirst)
                {
                    break;
                }
            }
        }

        if (ipsecOffset == 0 && next is IpProtocol.Esp or IpProtocol.IpComp)
        {
            ipsecOffset = offset;
            ipsecNamingByte = namingByte;
        }

        chain = new Ipv6ExtensionChain
        {
            IpsecHeaderOffset = ipsecOffset,
            IpsecHeaderNextHeaderOffset = ipsecNamingByte,
            UpperLayerProtocol = next,
            UpperLayerOffset = offset,
            UpperLayerNextHeaderOffset = namingByte,
            PacketLength = end,
            ExtensionHeaderCount = count,
            IpsecInsertionOffset = insertion,
            IpsecNextHeaderOffset = insertionNextHeader,
            HasFragmentHeader = hasFragment,
            Fragment = fragment,
            FragmentHeaderOffset = fragmentOffset,
            FragmentHeaderNextHeaderOffset = fragmentNamingByte,
        };
        return true;
    }

    /// <summary>Reads a fragment header (RFC 8200 §4.5): offset in 8-byte units in the top 13 bits, M in the lowest.</summary>
    private static FragmentInfo ReadFragment(ReadOnlySpan<byte> header)
    {
        ushort offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(header[FragmentOffsetField..]);
        uint identification = BinaryPrimitives.ReadUInt32BigEndian(header[FragmentIdentificationField..]);
        return new FragmentInfo(offsetAndFlags & 0xFFF8, (offsetAndFlags & 1) != 0, identification);
    }

    private static bool IsCrossed(IpProtocol header) =>
        header is IpProtocol.HopByHopOptions or IpProtocol.Routing or IpProtocol.Fragment
            or IpProtocol.DestinationOptions or IpProtocol.Ah;
}

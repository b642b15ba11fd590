namespace Netipsec.Packets;

/// <summary>
/// Where the parts of one received IPv4 or IPv6 fragment lie, as <see cref="IpReassembler"/> needs them: the
/// unfragmentable part (the IPv4 header, or the IPv6 header and extension headers before the fragment header), the
/// fragment's data, and its place in the datagram.
/// </summary>
internal readonly struct FragmentDescriptor
{
    /// <summary>The largest IPv4 total length and IPv6 payload length.</summary>
    public const int MaxDatagramLength = ushort.MaxValue;

    public ReassemblyKey Key { get; init; }

    public IpVersion Version { get; init; }

    /// <summary>Bytes in front of the data that the reassembled datagram keeps from its first fragment.</summary>
    public int HeaderLength { get; init; }

    /// <summary>IPv6: offset of the byte naming the fragment header, which reassembly points at <see cref="NextHeader"/>.</summary>
    public int NamingByte { get; init; }

    /// <summary>IPv6: the fragment header's next header (only the first fragment's counts).</summary>
    public byte NextHeader { get; init; }

    /// <summary>Offset of the fragment's data in the packet.</summary>
    public int DataStart { get; init; }

    public int DataLength { get; init; }

    /// <summary>Offset of the data in the datagram, in bytes.</summary>
    public int Offset { get; init; }

    /// <summary>MF / M: more fragments follow.</summary>
    public bool More { get; init; }

    /// <summary>Offset just past the data in the datagram.</summary>
    public int End => Offset + DataLength;

    /// <summary>
    /// What the datagram's length field counts besides the data, taking this fragment's headers: IPv4's total length
    /// includes the header, IPv6's payload length everything after the fixed header.
    /// </summary>
    public int LengthOverhead => Version == IpVersion.V4 ? HeaderLength : HeaderLength - Ipv6Header.Length;

    /// <summary>An IPv6 "atomic fragment" (offset 0, M clear), which RFC 6946 §4 says to process on its own.</summary>
    public bool IsAtomic => Offset == 0 && !More;

    /// <summary>Reads a fragment's headers; false for anything that is not a valid IPv4 or IPv6 fragment. Never throws.</summary>
    public static bool TryRead(Span<byte> packet, out FragmentDescriptor fragment)
    {
        fragment = default;
        if (packet.IsEmpty)
        {
            return false;
        }

        return packet[0] >> 4 == 4 ? TryReadIpv4(packet, out fragment) : TryReadIpv6(packet, out fragment);
    }

    private static bool TryReadIpv4(Span<byte> packet, out FragmentDescriptor fragment)
    {
        fragment = default;
        if (!Ipv4Header.TryParse(packet, out Ipv4Header header, out _) || !header.IsFragment)
        {
            return false;
        }

        FragmentInfo info = header.Fragment;
        fragment = new FragmentDescriptor
        {
            Key = new ReassemblyKey(header.Source, header.Destination, header.Protocol, info.Identification),
            Version = IpVersion.V4,
            HeaderLength = header.HeaderLength,
            DataStart = header.HeaderLength,
            DataLength = header.TotalLength - header.HeaderLength,
            Offset = info.Offset,
            More = info.MoreFragments,
        };
        return true;
    }

    private static bool TryReadIpv6(Span<byte> packet, out FragmentDescriptor fragment)
    {
        fragment = default;
        if (!Ipv6ExtensionWalker.TryWalk(packet, out Ipv6ExtensionChain chain, out _) || !chain.HasFragmentHeader)
        {
            return false;
        }

        var header = new Ipv6Header(packet);
        int fragmentHeader = chain.FragmentHeaderOffset;
        int dataStart = fragmentHeader + Ipv6Fragmenter.FragmentHeaderLength;
        fragment = new FragmentDescriptor
        {
            Key = new ReassemblyKey(header.Source, header.Destination, IpProtocol.Fragment, chain.Fragment.Identification),
            Version = IpVersion.V6,
            HeaderLength = fragmentHeader,
            NamingByte = chain.FragmentHeaderNextHeaderOffset,
            NextHeader = packet[fragmentHeader],
            DataStart = dataStart,
            DataLength = chain.PacketLength - dataStart,
            Offset = chain.Fragment.Offset,
            More = chain.Fragment.MoreFragments,
        };
        return true;
    }
}

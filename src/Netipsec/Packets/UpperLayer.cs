namespace Netipsec.Packets;

/// <summary>
/// Where the upper-layer header (TCP, UDP, ICMP ...) of a whole IPv4 or IPv6 packet is, with the addresses its
/// checksum's pseudo-header takes. Fragments have none: their upper layer is split or elsewhere.
/// </summary>
/// <param name="Source">The IP source address.</param>
/// <param name="Destination">The IP destination address.</param>
/// <param name="Protocol">The upper-layer protocol.</param>
/// <param name="Offset">Offset of the upper-layer header.</param>
/// <param name="End">End of the packet as its IP length declares.</param>
/// <param name="NamingByte">Offset of the byte (IPv4 protocol, IPv6 next header) that names the upper layer.</param>
internal readonly record struct UpperLayer(IpAddress Source, IpAddress Destination, IpProtocol Protocol, int Offset, int End, int NamingByte)
{
    /// <summary>Finds the upper layer of <paramref name="packet"/>; false for anything malformed, fragmented or not IP.</summary>
    public static bool TryLocate(ReadOnlySpan<byte> packet, out UpperLayer upper)
    {
        upper = default;
        switch (packet.IsEmpty ? 0 : packet[0] >> 4)
        {
            case 4:
                if (Ipv4Header.Validate(packet, out int headerLength, out int totalLength) != PacketError.None
                    || (packet[Ipv4Header.FlagsAndFragmentOffset] & 0x3F) != 0 || packet[Ipv4Header.FlagsAndFragmentOffset + 1] != 0)
                {
                    return false; // MF or a fragment offset
                }

                upper = new UpperLayer(
                    IpAddress.Read(packet.Slice(Ipv4Header.SourceOffset, 4)),
                    IpAddress.Read(packet.Slice(Ipv4Header.DestinationOffset, 4)),
                    (IpProtocol)packet[Ipv4Header.ProtocolOffset],
                    headerLength,
                    totalLength,
                    Ipv4Header.ProtocolOffset);
                return true;
            case 6:
                if (!Ipv6ExtensionWalker.TryWalk(packet, out Ipv6ExtensionChain chain, out _) || chain.HasFragmentHeader)
                {
                    return false;
                }

                upper = new UpperLayer(
                    IpAddress.Read(packet.Slice(Ipv6Header.SourceOffset, 16)),
                    IpAddress.Read(packet.Slice(Ipv6Header.DestinationOffset, 16)),
                    chain.UpperLayerProtocol,
                    chain.UpperLayerOffset,
                    chain.PacketLength,
                    chain.UpperLayerNextHeaderOffset);
                return true;
            default:
                return false;
        }
    }
}

using System.Buffers.Binary;

namespace Netipsec.Packets;

/// <summary>
/// Reads the <see cref="Flow"/> of an IPv4 or IPv6 packet for policy lookup (Linux's xfrm_decode_session): addresses,
/// the upper-layer protocol after any IPv6 extension headers, and ports, or ICMP type and code, or the Mobility Header
/// type. Stateless and thread-safe; allocates nothing; never throws.
/// </summary>
public static class FlowExtractor
{
    private const int PortsLength = 4;
    private const int IcmpTypeCodeLength = 2;
    private const int MobilityTypeOffset = 2;

    /// <summary>Extracts the flow of <paramref name="packet"/>, which starts with its IPv4 or IPv6 header.</summary>
    /// <param name="packet">The packet, from the IP header on.</param>
    /// <param name="interfaceIndex">Copied into <see cref="Flow.InterfaceIndex"/>.</param>
    /// <param name="flow">The flow on success, default otherwise.</param>
    /// <param name="error">Why extraction failed, <see cref="PacketError.None"/> on success.</param>
    /// <returns>
    /// True on success. A non-first fragment succeeds with zero ports (RFC 4301 §4.4.1 OPAQUE). Fails with the errors
    /// of <see cref="Ipv4Header.TryParse"/> and <see cref="Ipv6ExtensionWalker.TryWalk"/>,
    /// <see cref="PacketError.BadVersion"/> for a version other than 4 or 6, and <see cref="PacketError.Truncated"/>
    /// when the packet (a first fragment included) ends before the ports, ICMP type and code, or Mobility Header type.
    /// </returns>
    public static bool TryExtract(ReadOnlySpan<byte> packet, int interfaceIndex, out Flow flow, out PacketError error)
    {
        flow = default;
        if (packet.IsEmpty)
        {
            error = PacketError.Truncated;
            return false;
        }

        IpAddress source;
        IpAddress destination;
        IpProtocol protocol;
        ReadOnlySpan<byte> upperLayer;
        bool opaque;
        switch (packet[0] >> 4)
        {
            case 4:
                error = Ipv4Header.Validate(packet, out int headerLength, out int totalLength);
                if (error != PacketError.None)
                {
                    return false;
                }

                source = IpAddress.Read(packet.Slice(Ipv4Header.SourceOffset, 4));
                destination = IpAddress.Read(packet.Slice(Ipv4Header.DestinationOffset, 4));
                protocol = (IpProtocol)packet[Ipv4Header.ProtocolOffset];
                upperLayer = packet[headerLength..totalLength];
                opaque = (BinaryPrimitives.ReadUInt16BigEndian(packet[Ipv4Header.FlagsAndFragmentOffset..]) & 0x1FFF) != 0;
                break;
            case 6:
                if (!Ipv6ExtensionWalker.TryWalk(packet, out Ipv6ExtensionChain chain, out error))
                {
                    return false;
                }

                source = IpAddress.Read(packet.Slice(Ipv6Header.SourceOffset, 16));
                destination = IpAddress.Read(packet.Slice(Ipv6Header.DestinationOffset, 16));
                protocol = chain.UpperLayerProtocol;
                upperLayer = packet[chain.UpperLayerOffset..chain.PacketLength];
                opaque = chain.IsNonFirstFragment;
                break;
            default:
                error = PacketError.BadVersion;
                return false;
        }

        ushort sourcePort = 0;
        ushort destinationPort = 0;
        if (!opaque && !TryReadPorts(protocol, upperLayer, out sourcePort, out destinationPort))
        {
            error = PacketError.Truncated;
            return false;
        }

        flow = new Flow(source, destination, protocol, sourcePort, destinationPort, interfaceIndex);
        error = PacketError.None;
        return true;
    }

    /// <summary>
    /// Reads what a selector's ports match for <paramref name="protocol"/>: source and destination port for TCP, UDP,
    /// UDP-Lite, SCTP and DCCP (all start with them); type and code for ICMP and ICMPv6; the Mobility Header type as
    /// the source port (RFC 6275 §6.1.1, as Linux does). Other protocols have none (zero, success).
    /// </summary>
    private static bool TryReadPorts(IpProtocol protocol, ReadOnlySpan<byte> upperLayer, out ushort sourcePort, out ushort destinationPort)
    {
        sourcePort = 0;
        destinationPort = 0;
        switch (protocol)
        {
            case IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.UdpLite or IpProtocol.Sctp or IpProtocol.Dccp:
                if (upperLayer.Length < PortsLength)
                {
                    return false;
                }

                sourcePort = BinaryPrimitives.ReadUInt16BigEndian(upperLayer);
                destinationPort = BinaryPrimitives.ReadUInt16BigEndian(upperLayer[2..]);
                return true;
            case IpProtocol.Icmp or IpProtocol.Icmpv6:
                if (upperLayer.Length < IcmpTypeCodeLength)
                {
                    return false;
                }

                sourcePort = upperLayer[0];
                destinationPort = upperLayer[1];
                return true;
            case IpProtocol.Mobility:
                if (upperLayer.Length <= MobilityTypeOffset)
                {
                    return false;
                }

                sourcePort = upperLayer[MobilityTypeOffset];
                return true;
            default:
                return true;
        }
    }
}

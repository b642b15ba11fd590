using System.Buffers.Binary;
using System.Runtime.CompilerServices;

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
        switch (packet.IsEmpty ? 0 : packet[0] >> 4)
        {
            case 4:
                return TryExtractIpv4(packet, interfaceIndex, out flow, out error);
            case 6:
                return TryExtractIpv6(packet, interfaceIndex, out flow, out error);
            default:
                flow = default;
                error = packet.IsEmpty ? PacketError.Truncated : PacketError.BadVersion;
                return false;
        }
    }

    // Inlined into TryExtract: the common case pays for no call and none of IPv6's locals.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryExtractIpv4(ReadOnlySpan<byte> packet, int interfaceIndex, out Flow flow, out PacketError error)
    {
        // Tested in a local, not through the out parameter, so the JIT need not store and reload it.
        PacketError validation = Ipv4Header.Validate(packet, out int headerLength, out int totalLength);
        error = validation;
        if (validation != PacketError.None)
        {
            flow = default;
            return false;
        }

        // A span of constant length lets the JIT drop the bounds checks of the fixed-offset reads below.
        ReadOnlySpan<byte> header = packet[..Ipv4Header.MinLength];
        var protocol = (IpProtocol)header[Ipv4Header.ProtocolOffset];
        bool opaque = (BinaryPrimitives.ReadUInt16BigEndian(header[Ipv4Header.FlagsAndFragmentOffset..]) & 0x1FFF) != 0;
        ushort sourcePort = 0;
        ushort destinationPort = 0;
        if (!opaque && !TryReadPorts(protocol, packet[headerLength..totalLength], out sourcePort, out destinationPort))
        {
            flow = default;
            error = PacketError.Truncated;
            return false;
        }

        flow = new Flow(
            IpAddress.FromIpv4(BinaryPrimitives.ReadUInt32BigEndian(header[Ipv4Header.SourceOffset..])),
            IpAddress.FromIpv4(BinaryPrimitives.ReadUInt32BigEndian(header[Ipv4Header.DestinationOffset..])),
            protocol,
            sourcePort,
            destinationPort,
            interfaceIndex);
        return true;
    }

    // Kept out of line so that the IPv4 path does not carry the extension chain's stack frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryExtractIpv6(ReadOnlySpan<byte> packet, int interfaceIndex, out Flow flow, out PacketError error)
    {
        flow = default;
        if (!Ipv6ExtensionWalker.TryWalk(packet, out Ipv6ExtensionChain chain, out error))
        {
            return false;
        }

        ushort sourcePort = 0;
        ushort destinationPort = 0;
        if (!chain.IsNonFirstFragment
            && !TryReadPorts(chain.UpperLayerProtocol, packet[chain.UpperLayerOffset..chain.PacketLength], out sourcePort, out destinationPort))
        {
            error = PacketError.Truncated;
            return false;
        }

        flow = new Flow(
            IpAddress.Read(packet.Slice(Ipv6Header.SourceOffset, 16)),
            IpAddress.Read(packet.Slice(Ipv6Header.DestinationOffset, 16)),
            chain.UpperLayerProtocol,
            sourcePort,
            destinationPort,
            interfaceIndex);
        return true;
    }

    /// <summary>
    /// Reads what a selector's ports match for <paramref name="protocol"/>: source and destination port for TCP, UDP,
    /// UDP-Lite, SCTP and DCCP (all start with them); type and code for ICMP and ICMPv6; the Mobility Header type as
    /// the source port (RFC 6275 §6.1.1, as Linux does). Other protocols have none (zero, success).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

                uint ports = BinaryPrimitives.ReadUInt32BigEndian(upperLayer);
                sourcePort = (ushort)(ports >> 16);
                destinationPort = (ushort)ports;
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

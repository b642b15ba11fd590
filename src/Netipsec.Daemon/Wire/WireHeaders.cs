using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.Daemon.Wire;

/// <summary>
/// Turns what the sockets hand over into the whole IP packets the engine expects, and tells apart, on the way out,
/// what leaves by the UDP socket from what leaves by a raw socket. The socket layer has already checked lengths
/// against the kernel's own parsing; these only write headers in front of the data, in the headroom.
/// </summary>
internal static class WireHeaders
{
    /// <summary>Bytes of a UDP header.</summary>
    public const int UdpLength = 8;

    /// <summary>The hop limit written into a rebuilt header when the kernel did not report the received one.</summary>
    public const byte DefaultHopLimit = 64;

    /// <summary>
    /// An IPv6 raw socket delivers the payload after the IPv6 header (and after any extension headers, which the
    /// kernel consumed): puts back a fixed header with the addresses, traffic class and hop limit it reported.
    /// </summary>
    /// <returns>False when the packet has no headroom for it or the payload cannot be described by one header.</returns>
    public static bool TryRebuildIpv6(Packet packet, IpProtocol nextHeader, IpAddress source, IpAddress destination, byte trafficClass, byte hopLimit)
    {
        if (packet.Headroom < Ipv6Header.Length || packet.Length > ushort.MaxValue)
        {
            return false;
        }

        ushort payloadLength = (ushort)packet.Length;
        Span<byte> bytes = packet.Push(Ipv6Header.Length);
        bytes.Clear();
        _ = new Ipv6Header(bytes)
        {
            Version = 6,
            TrafficClass = trafficClass,
            PayloadLength = payloadLength,
            NextHeader = nextHeader,
            HopLimit = hopLimit,
            Source = source,
            Destination = destination,
        };
        packet.SetNetworkHeader(0);
        return true;
    }

    /// <summary>
    /// A UDP socket delivers the datagram's payload: puts back the IP and UDP headers it arrived with (addresses and
    /// ports from the socket, the rest at defaults), so the engine sees the ESP-in-UDP packet as it was on the wire.
    /// The IPv4 UDP checksum is left zero (RFC 3948 §2.1 lets ESP-in-UDP carry none); IPv6 requires one, so it is computed.
    /// </summary>
    public static bool TryRebuildUdp(Packet packet, IpAddress source, ushort sourcePort, IpAddress destination, ushort destinationPort)
    {
        bool v4 = source.Version == IpVersion.V4;
        int ipLength = v4 ? Ipv4Header.MinLength : Ipv6Header.Length;
        int udpLength = packet.Length + UdpLength;
        if (packet.Headroom < ipLength + UdpLength || udpLength > ushort.MaxValue - (v4 ? ipLength : 0))
        {
            return false;
        }

        Span<byte> udp = packet.Push(UdpLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0);
        if (v4)
        {
            Span<byte> ip = packet.Push(Ipv4Header.MinLength);
            ip.Clear();
            var header = new Ipv4Header(ip)
            {
                Version = 4,
                HeaderLength = Ipv4Header.MinLength,
                TotalLength = (ushort)(Ipv4Header.MinLength + udpLength),
                TimeToLive = DefaultHopLimit,
                Protocol = IpProtocol.Udp,
                Source = source,
                Destination = destination,
            };
            header.UpdateChecksum();
            packet.SetNetworkHeader(0);
            packet.SetTransportHeader(Ipv4Header.MinLength);
            return true;
        }

        InternetChecksum.WriteTransportChecksum(source, destination, IpProtocol.Udp, packet.Data);
        if (!TryRebuildIpv6(packet, IpProtocol.Udp, source, destination, 0, DefaultHopLimit))
        {
            return false;
        }

        packet.SetTransportHeader(Ipv6Header.Length);
        return true;
    }

    /// <summary>
    /// True when <paramref name="packet"/> (a whole IP packet from the engine) is a UDP datagram from
    /// <paramref name="localPort"/>: ESP in UDP or a NAT-T keepalive, which leave by the UDP socket bound to that port.
    /// Gives the addresses, the destination port and where the UDP payload starts.
    /// </summary>
    public static bool IsFromUdpPort(ReadOnlySpan<byte> packet, ushort localPort, out IpAddress source, out IpAddress destination, out ushort destinationPort, out int payloadOffset)
    {
        source = default;
        destination = default;
        destinationPort = 0;
        payloadOffset = 0;
        int udpOffset;
        if (packet.Length >= Ipv4Header.MinLength && packet[0] >> 4 == 4)
        {
            int headerLength = (packet[0] & 0xF) * 4;
            bool fragment = (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3FFF) != 0;
            if (packet[9] != (byte)IpProtocol.Udp || fragment || headerLength < Ipv4Header.MinLength)
            {
                return false;
            }

            udpOffset = headerLength;
            source = IpAddress.Read(packet.Slice(12, 4));
            destination = IpAddress.Read(packet.Slice(16, 4));
        }
        else if (packet.Length >= Ipv6Header.Length && packet[0] >> 4 == 6 && packet[6] == (byte)IpProtocol.Udp)
        {
            udpOffset = Ipv6Header.Length;
            source = IpAddress.Read(packet.Slice(8, 16));
            destination = IpAddress.Read(packet.Slice(24, 16));
        }
        else
        {
            return false;
        }

        if (packet.Length < udpOffset + UdpLength || BinaryPrimitives.ReadUInt16BigEndian(packet[udpOffset..]) != localPort)
        {
            return false;
        }

        destinationPort = BinaryPrimitives.ReadUInt16BigEndian(packet[(udpOffset + 2)..]);
        payloadOffset = udpOffset + UdpLength;
        return true;
    }

    /// <summary>The destination of a whole IPv4 or IPv6 packet; false when it is neither.</summary>
    public static bool TryGetDestination(ReadOnlySpan<byte> packet, out IpAddress destination)
    {
        if (packet.Length >= Ipv4Header.MinLength && packet[0] >> 4 == 4)
        {
            destination = IpAddress.Read(packet.Slice(16, 4));
            return true;
        }

        if (packet.Length >= Ipv6Header.Length && packet[0] >> 4 == 6)
        {
            destination = IpAddress.Read(packet.Slice(24, 16));
            return true;
        }

        destination = default;
        return false;
    }
}

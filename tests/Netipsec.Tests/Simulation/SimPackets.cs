using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Tests.Simulation;

/// <summary>Test-only packet shapes on top of <see cref="Traffic"/>: extension headers and traffic-class rewrites.</summary>
internal static class SimPackets
{
    /// <summary>
    /// An IPv6 UDP packet behind a hop-by-hop options header and a destination options header (each 8 bytes holding
    /// one PadN option), so a transport-mode ESP header has to go between them (RFC 4303 §3.1.1).
    /// </summary>
    public static byte[] UdpBehindIpv6Options(IpAddress source, IpAddress destination, ushort sourcePort, ushort destinationPort, int payloadLength = 64)
    {
        const int OptionsHeaderLength = 8;
        byte[] plain = Traffic.Udp(source, destination, sourcePort, destinationPort, payloadLength);
        byte[] packet = new byte[plain.Length + 2 * OptionsHeaderLength];
        plain.AsSpan(0, Ipv6Header.Length).CopyTo(packet);
        plain.AsSpan(Ipv6Header.Length).CopyTo(packet.AsSpan(Ipv6Header.Length + 2 * OptionsHeaderLength));
        _ = new Ipv6Header(packet)
        {
            NextHeader = IpProtocol.HopByHopOptions,
            PayloadLength = (ushort)(packet.Length - Ipv6Header.Length),
        };
        WriteOptionsHeader(packet.AsSpan(Ipv6Header.Length, OptionsHeaderLength), IpProtocol.DestinationOptions);
        WriteOptionsHeader(packet.AsSpan(Ipv6Header.Length + OptionsHeaderLength, OptionsHeaderLength), IpProtocol.Udp);
        return packet;
    }

    /// <summary>A copy of an IPv4 or IPv6 packet with another DSCP and ECN field (IPv4 checksum updated).</summary>
    public static byte[] WithTrafficClass(byte[] packet, int dscp, int ecn)
    {
        byte[] copy = [.. packet];
        if (copy[0] >> 4 == 4)
        {
            var header = new Ipv4Header(copy) { Dscp = dscp, Ecn = ecn };
            header.UpdateChecksum();
        }
        else
        {
            _ = new Ipv6Header(copy) { TrafficClass = (byte)((dscp << 2) | ecn) };
        }

        return copy;
    }

    /// <summary>The DSCP and ECN fields of an IPv4 or IPv6 header.</summary>
    public static (int Dscp, int Ecn) TrafficClassOf(byte[] packet)
    {
        int trafficClass = packet[0] >> 4 == 4 ? packet[1] : new Ipv6Header(packet).TrafficClass;
        return (trafficClass >> 2, trafficClass & 0x03);
    }

    private static void WriteOptionsHeader(Span<byte> header, IpProtocol next)
    {
        const byte PadN = 1;
        header.Clear();
        header[0] = (byte)next;
        header[1] = 0; // length in 8-byte units beyond the first 8
        header[2] = PadN;
        header[3] = 4; // PadN data length: fills the 8 bytes
    }
}

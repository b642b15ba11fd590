using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.Tests.Simulation;

/// <summary>Real IPv4/IPv6 packets with correct checksums, between any two addresses, for end-to-end tests.</summary>
internal static class SimPackets
{
    public static byte[] Udp(IpAddress source, IpAddress destination, ushort sourcePort, ushort destinationPort, int payloadLength = 32, bool dontFragment = false)
    {
        byte[] udp = new byte[8 + payloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        Fill(udp.AsSpan(8));
        return Ip(source, destination, IpProtocol.Udp, udp, dontFragment);
    }

    public static byte[] Tcp(IpAddress source, IpAddress destination, ushort sourcePort, ushort destinationPort, int payloadLength = 100)
    {
        byte[] tcp = new byte[20 + payloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), 1000);
        tcp[12] = 5 << 4;
        tcp[13] = 0x18; // PSH, ACK
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 65535);
        Fill(tcp.AsSpan(20));
        return Ip(source, destination, IpProtocol.Tcp, tcp, dontFragment: true);
    }

    /// <summary>An ICMP (IPv4) or ICMPv6 echo request, or with <paramref name="reply"/> an echo reply.</summary>
    public static byte[] Ping(IpAddress source, IpAddress destination, ushort sequence = 1, int payloadLength = 56, bool reply = false)
    {
        bool v4 = source.Version == IpVersion.V4;
        byte[] icmp = new byte[8 + payloadLength];
        icmp[0] = (v4, reply) switch
        {
            (true, false) => 8,
            (true, true) => 0,
            (false, false) => 128,
            (false, true) => 129,
        };
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), 0x4E49);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), sequence);
        Fill(icmp.AsSpan(8));
        return Ip(source, destination, v4 ? IpProtocol.Icmp : IpProtocol.Icmpv6, icmp, dontFragment: false);
    }

    /// <summary>
    /// An IPv6 UDP packet behind a hop-by-hop options header and a destination options header (each 8 bytes holding
    /// one PadN option), so a transport-mode ESP header has to go between them (RFC 4303 §3.1.1).
    /// </summary>
    public static byte[] UdpBehindIpv6Options(IpAddress source, IpAddress destination, ushort sourcePort, ushort destinationPort, int payloadLength = 64)
    {
        const int OptionsHeaderLength = 8;
        byte[] plain = Udp(source, destination, sourcePort, destinationPort, payloadLength);
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

    private static byte[] Ip(IpAddress source, IpAddress destination, IpProtocol protocol, byte[] upper, bool dontFragment)
    {
        InternetChecksum.WriteTransportChecksum(source, destination, protocol, upper);
        if (source.Version == IpVersion.V4)
        {
            byte[] packet = new byte[Ipv4Header.MinLength + upper.Length];
            var header = new Ipv4Header(packet)
            {
                Version = 4,
                HeaderLength = Ipv4Header.MinLength,
                TotalLength = (ushort)packet.Length,
                Identification = 0x4242,
                DontFragment = dontFragment,
                TimeToLive = 64,
                Protocol = protocol,
                Source = source,
                Destination = destination,
            };
            header.UpdateChecksum();
            upper.CopyTo(packet, Ipv4Header.MinLength);
            return packet;
        }

        byte[] v6 = new byte[Ipv6Header.Length + upper.Length];
        _ = new Ipv6Header(v6)
        {
            Version = 6,
            PayloadLength = (ushort)upper.Length,
            NextHeader = protocol,
            HopLimit = 64,
            Source = source,
            Destination = destination,
        };
        upper.CopyTo(v6, Ipv6Header.Length);
        return v6;
    }

    private static void Fill(Span<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 31 + 7);
        }
    }
}

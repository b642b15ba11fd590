using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.Simulation;

/// <summary>
/// Real IPv4/IPv6 packets (UDP, TCP, ICMP echo) with correct checksums between any two addresses: traffic for the
/// simulation, tests, benchmarks and fuzzing seeds. The payload bytes follow a fixed pattern, so runs repeat exactly.
/// </summary>
public static class Traffic
{
    /// <summary>A UDP datagram with <paramref name="payloadLength"/> bytes of data; IPv4 or IPv6 by the addresses.</summary>
    public static byte[] Udp(IpAddress source, IpAddress destination, ushort sourcePort, ushort destinationPort, int payloadLength = 32, bool dontFragment = false)
    {
        byte[] udp = new byte[8 + payloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        Fill(udp.AsSpan(8));
        return Ip(source, destination, IpProtocol.Udp, udp, dontFragment);
    }

    /// <summary>A TCP segment (PSH+ACK, DF set over IPv4) with <paramref name="payloadLength"/> bytes of data.</summary>
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
        icmp[0] = (v4, reply) switch { (true, false) => 8, (true, true) => 0, (false, false) => 128, (false, true) => 129 };
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), 0x4E49);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), sequence);
        Fill(icmp.AsSpan(8));
        return Ip(source, destination, v4 ? IpProtocol.Icmp : IpProtocol.Icmpv6, icmp, dontFragment: false);
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

using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

/// <summary>Builds small, valid IPv4/IPv6 packets byte by byte for the packet tests.</summary>
internal static class TestPackets
{
    public static readonly IpAddress V4Source = IpAddress.Parse("192.0.2.1");
    public static readonly IpAddress V4Destination = IpAddress.Parse("198.51.100.7");
    public static readonly IpAddress V6Source = IpAddress.Parse("2001:db8::1");
    public static readonly IpAddress V6Destination = IpAddress.Parse("2001:db8::2");

    /// <summary>The IPv4 header of a real UDP datagram (192.168.0.1 -> 192.168.0.199), checksum 0xB861.</summary>
    public static byte[] CapturedIpv4Header() => Convert.FromHexString("45000073000040004011B861C0A80001C0A800C7");

    public static byte[] Ipv4(IpProtocol protocol, byte[] payload, int fragmentOffsetUnits = 0, bool moreFragments = false, byte[]? options = null)
    {
        int headerLength = 20 + (options?.Length ?? 0);
        byte[] packet = new byte[headerLength + payload.Length];
        var header = new Ipv4Header(packet)
        {
            Version = 4,
            HeaderLength = headerLength,
            TotalLength = (ushort)packet.Length,
            Identification = 0x1234,
            TimeToLive = 64,
            Protocol = protocol,
            Source = V4Source,
            Destination = V4Destination,
            FragmentOffset = fragmentOffsetUnits,
            MoreFragments = moreFragments,
        };
        options?.CopyTo(packet, 20);
        payload.CopyTo(packet, headerLength);
        header.UpdateChecksum();
        return packet;
    }

    public static byte[] Ipv6(IpProtocol next, byte[] payload)
    {
        byte[] packet = new byte[40 + payload.Length];
        _ = new Ipv6Header(packet)
        {
            Version = 6,
            PayloadLength = (ushort)payload.Length,
            NextHeader = next,
            HopLimit = 64,
            Source = V6Source,
            Destination = V6Destination,
        };
        payload.CopyTo(packet, 40);
        return packet;
    }

    public static byte[] Tcp(ushort sourcePort, ushort destinationPort)
    {
        byte[] segment = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        segment[12] = 0x50; // data offset 5 words
        return segment;
    }

    public static byte[] Udp(ushort sourcePort, ushort destinationPort, int dataLength = 4)
    {
        byte[] datagram = new byte[8 + dataLength];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        for (int i = 8; i < datagram.Length; i++)
        {
            datagram[i] = (byte)(i * 7);
        }

        return datagram;
    }

    public static byte[] Icmp(byte type, byte code) => [type, code, 0, 0, 0, 1, 0, 1];

    /// <summary>A hop-by-hop, routing or destination options header of <paramref name="length"/> bytes (a multiple of 8).</summary>
    public static byte[] Extension(IpProtocol next, int length)
    {
        byte[] header = new byte[length];
        header[0] = (byte)next;
        header[1] = (byte)((length / 8) - 1);
        return header;
    }

    /// <summary>An AH header of <paramref name="length"/> bytes (a multiple of 4, at least 12).</summary>
    public static byte[] Ah(IpProtocol next, int length)
    {
        byte[] header = new byte[length];
        header[0] = (byte)next;
        header[1] = (byte)((length / 4) - 2);
        return header;
    }

    public static byte[] Fragment(IpProtocol next, int offsetBytes, bool more, uint identification)
    {
        byte[] header = new byte[8];
        header[0] = (byte)next;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(offsetBytes | (more ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), identification);
        return header;
    }

    public static byte[] Concat(params byte[][] parts)
    {
        byte[] all = new byte[parts.Sum(p => p.Length)];
        int offset = 0;
        foreach (byte[] part in parts)
        {
            part.CopyTo(all, offset);
            offset += part.Length;
        }

        return all;
    }

    /// <summary>The one's-complement sum of big-endian 16-bit words, one word at a time: the slow reference.</summary>
    public static ushort NaiveSum(ReadOnlySpan<byte> data, ushort initial = 0)
    {
        uint sum = initial;
        for (int i = 0; i < data.Length; i += 2)
        {
            uint word = (uint)data[i] << 8;
            if (i + 1 < data.Length)
            {
                word |= data[i + 1];
            }

            sum += word;
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }

    /// <summary>A packet of <paramref name="pool"/> holding <paramref name="bytes"/>.</summary>
    public static Packet Load(PacketPool pool, byte[] bytes)
    {
        Packet packet = pool.Rent();
        packet.EnsureTailroom(bytes.Length);
        bytes.CopyTo(packet.Put(bytes.Length));
        return packet;
    }

    public static void ReturnAll(PacketPool pool, IEnumerable<Packet> packets)
    {
        foreach (Packet packet in packets)
        {
            pool.Return(packet);
        }
    }

    /// <summary>
    /// The fragmenters' round-trip property: the fragmenter said <paramref name="done"/>, every fragment fits
    /// <paramref name="mtu"/>, <paramref name="reassemble"/> gives back <paramref name="original"/>, and once the
    /// fragments are returned the pool has nothing rented.
    /// </summary>
    public static bool FragmentsRebuild(
        PacketPool pool, bool done, Packet[] fragments, int mtu, byte[] original, Func<Packet[], byte[]> reassemble)
    {
        bool ok = done
            && fragments.All(f => f.Length <= mtu)
            && reassemble(fragments).AsSpan().SequenceEqual(original);
        ReturnAll(pool, fragments);
        return ok && pool.RentedCount == 0;
    }

    /// <summary>Reassembly's last step: <paramref name="headers"/> followed by each piece of data at its offset.</summary>
    public static byte[] Concatenate(ReadOnlySpan<byte> headers, SortedDictionary<int, byte[]> pieces)
    {
        int length = pieces.Last().Key + pieces.Last().Value.Length;
        byte[] whole = new byte[headers.Length + length];
        headers.CopyTo(whole);
        foreach ((int offset, byte[] bytes) in pieces)
        {
            bytes.CopyTo(whole, headers.Length + offset);
        }

        return whole;
    }
}

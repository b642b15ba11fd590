using System.Buffers.Binary;
using CsCheck;
using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

public sealed class Ipv6FragmenterTests
{
    private const uint Identification = 0xCAFE_F00D;

    private readonly PacketPool _pool = new(capacity: 256, diagnostics: false);

    [Fact]
    public void A_plain_packet_gets_a_fragment_header_after_the_fixed_header()
    {
        byte[] original = TestPackets.Ipv6(IpProtocol.Udp, TestPackets.Udp(1, 2, dataLength: 2992));

        Packet[] fragments = FragmentAll(original, 1280);

        Assert.Equal(3, fragments.Length);
        for (int i = 0; i < fragments.Length; i++)
        {
            Span<byte> data = fragments[i].Data;
            var header = new Ipv6Header(data);
            Assert.True(data.Length <= 1280);
            Assert.Equal(data.Length - 40, header.PayloadLength);
            Assert.Equal(IpProtocol.Fragment, header.NextHeader);
            Assert.Equal((byte)IpProtocol.Udp, data[40]);
            Assert.Equal(0, data[41]);
            ushort offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(data[42..]);
            Assert.Equal(i * 1232, offsetAndFlags & 0xFFF8);
            Assert.Equal(i < fragments.Length - 1 ? 1 : 0, offsetAndFlags & 7);
            Assert.Equal(Identification, BinaryPrimitives.ReadUInt32BigEndian(data[44..]));
        }

        Assert.Equal(original, Reassemble(fragments));
        ReturnAll(fragments);
        Assert.Equal(0, _pool.RentedCount);
    }

    [Fact]
    public void Hop_by_hop_and_routing_headers_are_repeated_and_later_destination_options_are_fragmented()
    {
        byte[] original = TestPackets.Ipv6(IpProtocol.HopByHopOptions, TestPackets.Concat(
            TestPackets.Extension(IpProtocol.Routing, 8),
            TestPackets.Extension(IpProtocol.DestinationOptions, 24),
            TestPackets.Extension(IpProtocol.Udp, 16),
            TestPackets.Udp(7, 8, dataLength: 2000)));

        Packet[] fragments = FragmentAll(original, 1000);

        foreach (Packet fragment in fragments)
        {
            Span<byte> data = fragment.Data;
            Assert.Equal(original.AsSpan(6, 42).ToArray(), data[6..48].ToArray()); // all but the payload length
            Assert.Equal((byte)IpProtocol.Fragment, data[48]); // the routing header now names the fragment header
            Assert.Equal(original.AsSpan(49, 23).ToArray(), data[49..72].ToArray());
            Assert.Equal((byte)IpProtocol.DestinationOptions, data[72]);
        }

        Assert.Equal(original, Reassemble(fragments));
        ReturnAll(fragments);
    }

    [Fact]
    public void Random_packets_reassemble_byte_for_byte()
    {
        Gen.Select(Gen.Int[1, 5000], Gen.Int[1280, 1500], Gen.Bool).Sample((payloadLength, mtu, withHopByHop) =>
        {
            byte[] upper = new byte[payloadLength];
            new Random(payloadLength).NextBytes(upper);
            byte[] original = withHopByHop
                ? TestPackets.Ipv6(IpProtocol.HopByHopOptions, TestPackets.Concat(TestPackets.Extension(IpProtocol.Tcp, 8), upper))
                : TestPackets.Ipv6(IpProtocol.Tcp, upper);
            Packet source = Load(original);
            Packet[] buffer = new Packet[8];

            FragmentationStatus status = Ipv6Fragmenter.Fragment(source, mtu, Identification, buffer, out int count);

            _pool.Return(source);
            if (original.Length <= mtu)
            {
                return status == FragmentationStatus.Fits;
            }

            return TestPackets.FragmentsRebuild(_pool, status == FragmentationStatus.Done, buffer[..count], mtu, original, Reassemble);
        }, iter: 200, threads: 1); // one thread: the pool's rented count is checked after each sample
    }

    [Fact]
    public void A_packet_that_fits_is_left_alone()
    {
        Packet source = Load(TestPackets.Ipv6(IpProtocol.Udp, TestPackets.Udp(1, 2)));

        Assert.Equal(FragmentationStatus.Fits, Ipv6Fragmenter.Fragment(source, 1280, Identification, new Packet[4], out int count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void A_packet_that_is_a_fragment_already_is_refused()
    {
        byte[] fragment = TestPackets.Ipv6(IpProtocol.Fragment, TestPackets.Concat(TestPackets.Fragment(IpProtocol.Udp, 0, true, 1), new byte[2000]));

        Assert.Equal(FragmentationStatus.Malformed, Ipv6Fragmenter.Fragment(Load(fragment), 1280, Identification, new Packet[4], out _));
        Assert.Equal(FragmentationStatus.Malformed, Ipv6Fragmenter.Fragment(Load([0x60, 0]), 1280, Identification, new Packet[4], out _));
    }

    [Fact]
    public void An_MTU_without_room_for_8_data_bytes_is_too_small()
    {
        Packet source = Load(TestPackets.Ipv6(IpProtocol.Udp, new byte[100]));

        Assert.Equal(FragmentationStatus.MtuTooSmall, Ipv6Fragmenter.Fragment(source, 55, Identification, new Packet[32], out _));
        Assert.Equal(FragmentationStatus.Done, Ipv6Fragmenter.Fragment(source, 56, Identification, new Packet[32], out int count));
        Assert.Equal(13, count);
    }

    [Fact]
    public void A_short_output_span_reports_the_number_needed_and_an_empty_pool_rents_nothing()
    {
        Packet source = Load(TestPackets.Ipv6(IpProtocol.Udp, new byte[3000]));
        Assert.Equal(FragmentationStatus.OutputTooSmall, Ipv6Fragmenter.Fragment(source, 1280, Identification, new Packet[2], out int needed));
        Assert.Equal(3, needed);

        var tiny = new PacketPool(capacity: 3, diagnostics: false);
        Packet small = tiny.Rent();
        byte[] bytes = TestPackets.Ipv6(IpProtocol.Udp, new byte[1400]);
        bytes.CopyTo(small.Put(bytes.Length));
        Assert.Equal(FragmentationStatus.NoBuffer, Ipv6Fragmenter.Fragment(small, 500, Identification, new Packet[4], out int count));
        Assert.Equal(0, count);
        Assert.Equal(1, tiny.RentedCount);
    }

    private Packet Load(byte[] bytes) => TestPackets.Load(_pool, bytes);

    private Packet[] FragmentAll(byte[] original, int mtu)
    {
        Packet source = Load(original);
        Packet[] buffer = new Packet[32];
        Assert.Equal(FragmentationStatus.Done, Ipv6Fragmenter.Fragment(source, mtu, Identification, buffer, out int count));
        _pool.Return(source);
        return buffer[..count];
    }

    private void ReturnAll(Packet[] fragments) => TestPackets.ReturnAll(_pool, fragments);

    /// <summary>RFC 8200 §4.5 reassembly: the first fragment's per-fragment headers, the fragment header's next header restored, data by offset.</summary>
    private static byte[] Reassemble(Packet[] fragments)
    {
        Assert.True(Ipv6ExtensionWalker.TryWalk(fragments[0].Data, out Ipv6ExtensionChain chain, out _));
        int fragmentHeader = chain.IpsecInsertionOffset - Ipv6Fragmenter.FragmentHeaderLength;
        var pieces = new SortedDictionary<int, byte[]>();
        foreach (Packet fragment in fragments)
        {
            Span<byte> data = fragment.Data;
            Assert.Equal(Identification, BinaryPrimitives.ReadUInt32BigEndian(data[(fragmentHeader + 4)..]));
            int offset = BinaryPrimitives.ReadUInt16BigEndian(data[(fragmentHeader + 2)..]) & 0xFFF8;
            pieces.Add(offset, data[(fragmentHeader + 8)..].ToArray());
        }

        Span<byte> first = fragments[0].Data;
        byte[] whole = TestPackets.Concatenate(first[..fragmentHeader], pieces);

        // The byte naming the fragment header is the last next-header field before it: the fixed header's or an extension's.
        int namingField = FindNamingField(first, fragmentHeader);
        whole[namingField] = first[fragmentHeader];
        BinaryPrimitives.WriteUInt16BigEndian(whole.AsSpan(4), (ushort)(whole.Length - 40));
        return whole;
    }

    private static int FindNamingField(ReadOnlySpan<byte> packet, int fragmentHeader)
    {
        int field = 6;
        int offset = 40;
        while (offset < fragmentHeader)
        {
            field = offset;
            offset += (packet[offset + 1] + 1) * 8;
        }

        return field;
    }
}

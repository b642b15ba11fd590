using CsCheck;
using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

public sealed class Ipv4FragmenterTests
{
    // Router Alert (type 148: copied) and a Record Route (type 7: not copied) with one slot, then end-of-options.
    private static readonly byte[] Options = [0x94, 0x04, 0x00, 0x00, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0x00];

    private readonly PacketPool _pool = new(capacity: 256, diagnostics: false);

    [Fact]
    public void Fragments_fit_the_MTU_and_reassemble_to_the_original()
    {
        byte[] original = TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1000, 2000, dataLength: 1472), options: Options);

        Packet[] fragments = FragmentAll(original, 576);

        Assert.Equal(3, fragments.Length);
        for (int i = 0; i < fragments.Length; i++)
        {
            var header = new Ipv4Header(fragments[i].Data);
            Assert.True(fragments[i].Length <= 576);
            Assert.Equal(fragments[i].Length, header.TotalLength);
            Assert.True(header.VerifyChecksum());
            Assert.Equal((ushort)0x1234, header.Identification);
            Assert.Equal(i < fragments.Length - 1, header.MoreFragments);
            Assert.False(header.DontFragment);
            if (i < fragments.Length - 1)
            {
                Assert.Equal(0, (header.TotalLength - header.HeaderLength) % 8);
            }
        }

        var first = new Ipv4Header(fragments[0].Data);
        var second = new Ipv4Header(fragments[1].Data);
        Assert.Equal(32, first.HeaderLength);
        Assert.Equal(Options, first.Options.ToArray());
        Assert.Equal(24, second.HeaderLength);
        Assert.Equal(new byte[] { 0x94, 0x04, 0x00, 0x00 }, second.Options.ToArray());
        Assert.Equal((576 - 32) / 8, second.FragmentOffset);

        Assert.Equal(original, Reassemble(fragments));
        ReturnAll(fragments);
        Assert.Equal(0, _pool.RentedCount);
    }

    [Fact]
    public void Fragments_carry_the_original_packets_metadata()
    {
        byte[] original = TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2, dataLength: 200));
        Packet source = Load(original);
        source.Mark = 42;
        source.InterfaceIndex = 3;
        source.Direction = PacketDirection.Out;
        Packet[] fragments = new Packet[4];

        Assert.Equal(FragmentationStatus.Done, Ipv4Fragmenter.Fragment(source, 100, fragments, out int count));

        Assert.Equal(3, count);
        Assert.All(fragments[..count], f => Assert.Equal((42u, 3, PacketDirection.Out, 0), (f.Mark, f.InterfaceIndex, f.Direction, f.NetworkOffset)));
    }

    [Fact]
    public void A_fragment_is_fragmented_again_relative_to_its_offset_and_keeps_its_MF()
    {
        byte[] original = TestPackets.Ipv4(IpProtocol.Udp, new byte[400], fragmentOffsetUnits: 100, moreFragments: true);

        Packet[] fragments = FragmentAll(original, 220);

        Assert.Equal(2, fragments.Length);
        var first = new Ipv4Header(fragments[0].Data);
        var last = new Ipv4Header(fragments[1].Data);
        Assert.Equal((100, true), (first.FragmentOffset, first.MoreFragments));
        Assert.Equal((100 + 25, true), (last.FragmentOffset, last.MoreFragments));
        ReturnAll(fragments);
    }

    [Fact]
    public void Random_datagrams_reassemble_byte_for_byte()
    {
        Gen.Select(Gen.Int[1, 3000], Gen.Int[68, 1500], Gen.Bool).Sample((payloadLength, mtu, withOptions) =>
        {
            byte[] payload = new byte[payloadLength];
            new Random(payloadLength).NextBytes(payload);
            byte[] original = TestPackets.Ipv4(IpProtocol.Udp, payload, options: withOptions ? Options : null);
            Packet source = Load(original);
            Packet[] buffer = new Packet[128]; // 3000 bytes at MTU 68 with options take 76

            FragmentationStatus status = Ipv4Fragmenter.Fragment(source, mtu, buffer, out int count);

            _pool.Return(source);
            if (original.Length <= mtu)
            {
                return status == FragmentationStatus.Fits && count == 0;
            }

            return TestPackets.FragmentsRebuild(_pool, status == FragmentationStatus.Done, buffer[..count], mtu, original, Reassemble);
        }, iter: 300, threads: 1); // one thread: the pool's rented count is checked after each sample
    }

    [Fact]
    public void A_datagram_that_fits_is_left_alone()
    {
        Packet source = Load(TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2)));

        Assert.Equal(FragmentationStatus.Fits, Ipv4Fragmenter.Fragment(source, 1500, new Packet[4], out int count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void DF_forbids_fragmentation()
    {
        byte[] original = TestPackets.Ipv4(IpProtocol.Udp, new byte[1000]);
        var header = new Ipv4Header(original) { DontFragment = true };
        header.UpdateChecksum();

        Assert.Equal(FragmentationStatus.DontFragment, Ipv4Fragmenter.Fragment(Load(original), 576, new Packet[4], out _));
        Assert.Equal(1, _pool.RentedCount);
    }

    [Fact]
    public void An_MTU_without_room_for_8_data_bytes_is_too_small()
    {
        Packet withOptions = Load(TestPackets.Ipv4(IpProtocol.Udp, new byte[100], options: Options));

        Assert.Equal(FragmentationStatus.MtuTooSmall, Ipv4Fragmenter.Fragment(withOptions, 39, new Packet[32], out _));
        Assert.Equal(FragmentationStatus.Done, Ipv4Fragmenter.Fragment(withOptions, 40, new Packet[32], out int count));
        Assert.Equal(1 + 6, count); // 8 bytes behind the full options, then 16 behind the copied ones
    }

    [Fact]
    public void A_short_output_span_reports_the_number_needed()
    {
        Packet source = Load(TestPackets.Ipv4(IpProtocol.Udp, new byte[1000]));

        Assert.Equal(FragmentationStatus.OutputTooSmall, Ipv4Fragmenter.Fragment(source, 276, new Packet[3], out int count));
        Assert.Equal(4, count);
        Assert.Equal(1, _pool.RentedCount);
    }

    [Fact]
    public void An_exhausted_pool_rents_nothing()
    {
        var tiny = new PacketPool(capacity: 2, diagnostics: false);
        Packet source = tiny.Rent();
        byte[] original = TestPackets.Ipv4(IpProtocol.Udp, new byte[1000]);
        original.CopyTo(source.Put(original.Length));

        Assert.Equal(FragmentationStatus.NoBuffer, Ipv4Fragmenter.Fragment(source, 576, new Packet[4], out int count));
        Assert.Equal(0, count);
        Assert.Equal(1, tiny.RentedCount);
    }

    [Theory]
    [InlineData(new byte[] { 0x94, 0x05, 0, 0 })] // runs past the options
    [InlineData(new byte[] { 0x94, 0x01, 0, 0 })] // shorter than type and length
    [InlineData(new byte[] { 0x01, 0x01, 0x01, 0x83 })] // length byte missing
    public void Malformed_options_are_refused(byte[] options)
    {
        Packet source = Load(TestPackets.Ipv4(IpProtocol.Udp, new byte[1000], options: options));

        Assert.Equal(FragmentationStatus.Malformed, Ipv4Fragmenter.Fragment(source, 576, new Packet[4], out _));
        Assert.Equal(FragmentationStatus.Malformed, Ipv4Fragmenter.Fragment(Load([0x45, 0, 0]), 576, new Packet[4], out _));
    }

    private Packet Load(byte[] bytes) => TestPackets.Load(_pool, bytes);

    private Packet[] FragmentAll(byte[] original, int mtu)
    {
        Packet source = Load(original);
        Packet[] buffer = new Packet[32];
        Assert.Equal(FragmentationStatus.Done, Ipv4Fragmenter.Fragment(source, mtu, buffer, out int count));
        Assert.Equal(original, source.Data.ToArray());
        _pool.Return(source);
        return buffer[..count];
    }

    private void ReturnAll(Packet[] fragments) => TestPackets.ReturnAll(_pool, fragments);

    /// <summary>RFC 791 reassembly of one datagram: the first fragment's header, the data placed by offset.</summary>
    private static byte[] Reassemble(Packet[] fragments)
    {
        var first = new Ipv4Header(fragments[0].Data);
        int baseOffset = first.FragmentOffset * 8;
        int headerLength = first.HeaderLength;
        var data = new SortedDictionary<int, byte[]>();
        int lastOffset = -1;
        bool lastMore = false;
        foreach (Packet fragment in fragments)
        {
            var header = new Ipv4Header(fragment.Data);
            int offset = (header.FragmentOffset * 8) - baseOffset;
            data.Add(offset, header.Payload.ToArray());
            if (offset > lastOffset)
            {
                (lastOffset, lastMore) = (offset, header.MoreFragments);
            }
        }

        byte[] whole = TestPackets.Concatenate(fragments[0].Data[..headerLength], data);

        var rebuilt = new Ipv4Header(whole) { TotalLength = (ushort)whole.Length, FragmentOffset = first.FragmentOffset, MoreFragments = lastMore };
        rebuilt.UpdateChecksum();
        return whole;
    }
}

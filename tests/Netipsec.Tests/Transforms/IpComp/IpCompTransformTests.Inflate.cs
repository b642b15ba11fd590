using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.IpComp;

namespace Netipsec.Tests.Transforms.IpComp;

/// <summary>DEFLATE streams that end early, decompression bombs, and the ipcompstat counters of the transform.</summary>
public sealed partial class IpCompTransformTests
{
    [Fact]
    public void A_compressed_payload_cut_at_any_byte_is_a_counted_drop_and_the_whole_one_decompresses()
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] original = TestPackets.Ipv4(IpProtocol.Udp, Compressible(1200));
        byte[] wire = Protect(transform, sa, original, out _);
        Assert.Equal((byte)IpProtocol.IpComp, wire[9]);
        int compressedStart = Ipv4Header.MinLength + IpCompHeader.Length;

        for (int length = compressedStart + 1; length < wire.Length; length++)
        {
            byte[] truncated = wire[..length];
            _ = new Ipv4Header(truncated) { TotalLength = (ushort)length };
            Packet packet = Parsed(truncated);

            Assert.True(TransformStatus.Malformed == transform.Input(sa, packet, 0), $"cut after {length - compressedStart} of {wire.Length - compressedStart} bytes");
            _pool.Return(packet);
        }

        Assert.Equal(wire.Length - compressedStart - 1, transform.Statistics[IpCompCounter.Crypto]);
        Assert.Equal(original, Recover(transform, sa, wire));
        Assert.Equal(1, transform.Statistics[IpCompCounter.Decompressed]);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_without_allocating_its_output()
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] bomb = TestPackets.Ipv4(IpProtocol.IpComp, [(byte)IpProtocol.Udp, 0, 0x43, 0x21, .. Deflated(new byte[10_000_000])]);
        Packet warmUp = Parsed(bomb);
        Assert.Equal(TransformStatus.Malformed, transform.Input(sa, warmUp, 0)); // creates the per-thread scratch buffers
        _pool.Return(warmUp);

        Packet packet = Parsed(bomb);
        long before = GC.GetAllocatedBytesForCurrentThread();
        TransformStatus status = transform.Input(sa, packet, 0);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(TransformStatus.Malformed, status);
        Assert.Equal(2, transform.Statistics[IpCompCounter.TooBig]);
        // The DeflateStream object and its input buffer, never the 10 MB (nor the 64 KiB limit) of output.
        Assert.True(allocated < 32 * 1024, $"{allocated} bytes allocated");
        _pool.Return(packet);
    }

    [Fact]
    public void Input_and_output_counters_follow_freebsds_ipcompstat()
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] compressible = TestPackets.Ipv4(IpProtocol.Udp, Compressible(600));
        byte[] small = TestPackets.Ipv4(IpProtocol.Udp, Compressible(30));

        byte[] wire = Protect(transform, sa, compressible, out _);
        Protect(transform, sa, small, out _);
        Assert.Equal(compressible, Recover(transform, sa, wire));

        IpCompStatistics stats = transform.Statistics;
        Assert.Equal((2L, 600L + 30L), (stats[IpCompCounter.Output], stats[IpCompCounter.OutputBytes]));
        Assert.Equal((1L, (long)(wire.Length - Ipv4Header.MinLength - IpCompHeader.Length)), (stats[IpCompCounter.Input], stats[IpCompCounter.InputBytes]));
        Assert.Equal((1L, 1L, 1L), (stats[IpCompCounter.Compressed], stats[IpCompCounter.UncompressedSmall], stats[IpCompCounter.Decompressed]));
        Assert.Equal(2, stats.Histogram(Deflate));
        Assert.Equal(0, stats.Histogram(Deflate + 1));
    }

    [Fact]
    public void Refusals_are_counted_as_badkcr_noxform_hdrops_and_nopf()
    {
        var transform = new IpCompTransform();
        Assert.Equal(TransformStatus.Unsupported, transform.Init(Sa(XfrmMode.Transport, IpVersion.V4, algorithm: 99)));
        SecurityAssociation destroyed = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        transform.Destroy(destroyed);
        byte[] wire = Protect(transform, PreparedSa(transform, XfrmMode.Transport, IpVersion.V4), TestPackets.Ipv4(IpProtocol.Udp, Compressible(600)), out _);
        Packet forDestroyed = Parsed(wire);
        Assert.Equal(TransformStatus.Unsupported, transform.Input(destroyed, forDestroyed, 0));
        _pool.Return(forDestroyed);

        Packet unmarked = Rent(wire);
        Assert.Equal(TransformStatus.Malformed, transform.Input(PreparedSa(transform, XfrmMode.Transport, IpVersion.V4), unmarked, 0));
        _pool.Return(unmarked);

        Packet notIp = Parsed(wire);
        notIp.Data[0] = 0x55; // neither IPv4 nor IPv6 once parsed
        Assert.Equal(TransformStatus.Malformed, transform.Input(PreparedSa(transform, XfrmMode.Transport, IpVersion.V4), notIp, 0));
        Assert.Equal(wire[1..], notIp.Data[1..].ToArray());
        _pool.Return(notIp);

        IpCompStatistics stats = transform.Statistics;
        Assert.Equal((1L, 1L, 1L, 1L), (stats[IpCompCounter.BadConfiguration], stats[IpCompCounter.NoTransform], stats[IpCompCounter.HeaderDrops], stats[IpCompCounter.NoProtocolFamily]));
        Assert.Equal(0, stats[IpCompCounter.Decompressed]);
    }
}

using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms.Modes;
using static Netipsec.Tests.Transforms.Modes.ModeTestData;

namespace Netipsec.Tests.Transforms.Modes;

public sealed class XfrmModesTests
{
    [Theory]
    [InlineData(XfrmMode.Transport, IpProtocol.Udp, 20)]
    [InlineData(XfrmMode.Tunnel, IpProtocol.IpInIp, 20)]
    [InlineData(XfrmMode.Beet, IpProtocol.Udp, 20)]
    public void PrepareOutput_dispatches_on_the_SA_mode(XfrmMode mode, IpProtocol inner, int transportOffset)
    {
        var sa = mode == XfrmMode.Beet ? BeetSa(IpVersion.V4) : Sa(mode, IpVersion.V4);
        var pool = NewPool();
        var packet = Rent(pool, Ipv4());

        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, 8, 2));

        Assert.Equal(inner, packet.InnerProtocol);
        Assert.Equal(transportOffset, packet.TransportOffset);
        Assert.Equal(mode == XfrmMode.Transport ? TestPacketsSource : V4OuterSource, new Ipv4Header(packet.Data).Source);
        pool.Return(packet);
    }

    [Fact]
    public void An_unknown_mode_is_unsupported_both_ways()
    {
        var sa = Sa((XfrmMode)2, IpVersion.V4);
        var pool = NewPool();
        var packet = Rent(pool, Ipv4());

        Assert.Equal(ModeStatus.Unsupported, XfrmModes.PrepareOutput(sa, packet, 8, 2));
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(20);
        Assert.Equal(ModeStatus.Unsupported, XfrmModes.Input(sa, packet));
        pool.Return(packet);
    }

    [Fact]
    public void FinishOutput_writes_the_IPv4_total_length_and_checksum()
    {
        var sa = Sa(XfrmMode.Tunnel, IpVersion.V4);
        var pool = NewPool();
        var packet = Rent(pool, Ipv6());
        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, 8, 30));
        packet.Put(30);

        Assert.Equal(ModeStatus.Ok, XfrmModes.FinishOutput(sa, packet));

        var header = new Ipv4Header(packet.Data);
        Assert.Equal(packet.Length, header.TotalLength);
        Assert.True(header.VerifyChecksum());
        pool.Return(packet);
    }

    [Fact]
    public void FinishOutput_writes_the_IPv6_payload_length()
    {
        var sa = Sa(XfrmMode.Transport, IpVersion.V6);
        var pool = NewPool();
        var packet = Rent(pool, Ipv6());
        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, 8, 30));
        packet.Put(30);

        Assert.Equal(ModeStatus.Ok, XfrmModes.FinishOutput(sa, packet));

        Assert.Equal(packet.Length - 40, new Ipv6Header(packet.Data).PayloadLength);
        pool.Return(packet);
    }

    [Fact]
    public void FinishOutput_of_a_packet_that_outgrew_its_length_field_is_malformed()
    {
        var sa = Sa(XfrmMode.Transport, IpVersion.V4);
        var pool = NewPool();
        var packet = Rent(pool, Ipv4());
        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, 8, 2));
        packet.CopyBack(packet.Length, new byte[70_000]);

        Assert.Equal(ModeStatus.Malformed, XfrmModes.FinishOutput(sa, packet));
        pool.Return(packet);
    }

    [Fact]
    public void FinishOutput_without_a_network_header_is_malformed()
    {
        var pool = NewPool();
        var packet = Rent(pool, Ipv4());

        Assert.Equal(ModeStatus.Malformed, XfrmModes.FinishOutput(Sa(XfrmMode.Transport, IpVersion.V4), packet));
        pool.Return(packet);
    }

    [Theory]
    [InlineData(XfrmMode.Transport)]
    [InlineData(XfrmMode.Tunnel)]
    [InlineData(XfrmMode.Beet)]
    public void A_result_longer_than_the_IPv4_length_field_is_no_room(XfrmMode mode)
    {
        var sa = mode == XfrmMode.Beet ? BeetSa(IpVersion.V4) : Sa(mode, IpVersion.V4);
        var pool = NewPool();
        var packet = Rent(pool, Ipv4(payload: new byte[65_400]));

        Assert.Equal(ModeStatus.NoRoom, XfrmModes.PrepareOutput(sa, packet, 16, 200));
        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, 16, 50));
        pool.Return(packet);
    }

    [Fact]
    public void Output_grows_a_small_buffer_for_the_headers_and_trailer()
    {
        var pool = new PacketPool(2, bufferSize: 256, headroom: 0);
        var packet = Rent(pool, Ipv6());

        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(Sa(XfrmMode.Tunnel, IpVersion.V6), packet, 24, 300));

        Assert.True(packet.Tailroom >= 300);
        Assert.Equal(40, packet.TransportOffset);
        pool.Return(packet);
    }

    [Theory]
    [InlineData(true, ModeStatus.NoRoom)]
    [InlineData(false, ModeStatus.Ok)]
    public void Output_that_would_need_a_buffer_beyond_the_pool_limit_is_no_room_not_an_exception(bool stalePulledMark, ModeStatus expected)
    {
        // 200,000 bytes in front of a 60,000-byte packet in a buffer of the largest size: sliding the data forward
        // makes room for a 4,000-byte trailer, unless a mark still holds the pulled bytes, and a larger buffer is not allowed.
        var pool = new PacketPool(1, bufferSize: PacketPool.MaxBufferSize, headroom: 0);
        var packet = pool.Rent();
        packet.Put(200_000);
        if (stalePulledMark)
        {
            packet.SetTransportHeader(0);
        }

        packet.Pull(200_000);
        byte[] original = Ipv4(payload: new byte[60_000 - 20]);
        original.CopyTo(packet.Put(original.Length));

        Assert.Equal(expected, XfrmModes.PrepareOutput(Sa(XfrmMode.Transport, IpVersion.V4), packet, 8, 4000));
        pool.Return(packet);
    }

    [Fact]
    public void Negative_lengths_are_programming_errors()
    {
        var pool = NewPool();
        var packet = Rent(pool, Ipv4());
        var sa = Sa(XfrmMode.Transport, IpVersion.V4);

        Assert.Throws<ArgumentOutOfRangeException>(() => XfrmModes.PrepareOutput(sa, packet, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => XfrmModes.PrepareOutput(sa, packet, 0, -1));
        pool.Return(packet);
    }

    [Theory]
    [InlineData(XfrmMode.Transport)]
    [InlineData(XfrmMode.Tunnel)]
    [InlineData(XfrmMode.Beet)]
    public void Output_and_input_allocate_nothing_per_packet(XfrmMode mode)
    {
        var sa = mode == XfrmMode.Beet ? BeetSa(IpVersion.V4) : Sa(mode, IpVersion.V4);
        var pool = new PacketPool(1, diagnostics: false);
        byte[] original = Ipv4(options: Options(8));
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Cycle(sa, pool, original));
        }

        bool allOk = true;
        long allocated = SteadyState.AllocatedBytes(_ => allOk &= Cycle(sa, pool, original), iterations: 100);
        Assert.True(allOk);
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// One packet out and back in, with the transforms' work done inline so only the modes can allocate (no asserts
    /// inside: they allocate).
    /// </summary>
    private static bool Cycle(SecurityAssociation sa, PacketPool pool, byte[] original)
    {
        Packet packet = pool.Rent();
        original.CopyTo(packet.Put(original.Length));
        bool ok = XfrmModes.PrepareOutput(sa, packet, FakeHeaderLength, FakeTrailerLength) == ModeStatus.Ok;
        byte inner = (byte)packet.InnerProtocol;
        packet.Put(FakeTrailerLength)[^1] = inner;
        ok &= XfrmModes.FinishOutput(sa, packet) == ModeStatus.Ok;

        packet.InnerProtocol = (IpProtocol)packet.Data[^1];
        packet.Trim(packet.Length - FakeTrailerLength);
        packet.StripHeader(packet.TransportOffset, FakeHeaderLength);
        ok &= XfrmModes.Input(sa, packet) == ModeStatus.Ok && packet.Data.SequenceEqual(original);
        pool.Return(packet);
        return ok;
    }

    private static IpAddress TestPacketsSource => Netipsec.Tests.Packets.TestPackets.V4Source;
}

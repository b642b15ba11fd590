using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms.Modes;
using static Netipsec.Tests.Transforms.Modes.ModeTestData;

namespace Netipsec.Tests.Transforms.Modes;

public sealed class BeetModeTests
{
    [Fact]
    public void Ipv4_output_swaps_in_the_outer_addresses_and_keeps_the_rest_of_the_header()
    {
        byte[] original = Ipv4(IpProtocol.Tcp, typeOfService: 0x2E, dontFragment: true, payload: TestPackets.Tcp(22, 40000));
        var sa = BeetSa(IpVersion.V4);
        var pool = NewPool();
        var packet = Rent(pool, original);

        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, 16, 20));

        var header = new Ipv4Header(packet.Data);
        var inner = new Ipv4Header(original);
        Assert.Equal(V4OuterSource, header.Source);
        Assert.Equal(V4OuterDestination, header.Destination);
        Assert.Equal(inner.TimeToLive, header.TimeToLive);
        Assert.Equal(inner.Identification, header.Identification);
        Assert.True(header.DontFragment);
        Assert.Equal(0x2E, packet.Data[1]);
        Assert.Equal(IpProtocol.Esp, header.Protocol);
        Assert.Equal(IpProtocol.Tcp, packet.InnerProtocol);
        Assert.Equal(20, packet.TransportOffset);
        Assert.Equal(9, packet.NextHeaderFieldOffset);
        Assert.Equal(original.Length + 16, packet.Length);
        Assert.True(packet.Data[36..].SequenceEqual(original.AsSpan(20)));
        pool.Return(packet);
    }

    [Theory]
    [InlineData(IpVersion.V4)]
    [InlineData(IpVersion.V6)]
    public void Round_trip_rebuilds_the_inner_header_from_the_selector(IpVersion version)
    {
        var sa = BeetSa(version);
        byte[] original = version == IpVersion.V4 ? Ipv4(typeOfService: 0x88, dontFragment: true) : Ipv6(trafficClass: 0x88, flowLabel: 0xBEEF);

        byte[] wire = Protect(sa, original);

        Assert.Equal(version == IpVersion.V4 ? V4OuterSource : V6OuterSource, version == IpVersion.V4 ? new Ipv4Header(wire).Source : new Ipv6Header(wire).Source);
        Assert.Equal(original.Length + FakeHeaderLength + FakeTrailerLength, wire.Length);
        Assert.Equal(original, Unprotect(sa, wire));
    }

    [Fact]
    public void Ipv6_extension_headers_in_front_of_the_insertion_point_stay_in_the_outer_packet()
    {
        var sa = BeetSa(IpVersion.V6);
        byte[] original = TestPackets.Ipv6(IpProtocol.HopByHopOptions, TestPackets.Concat(TestPackets.Extension(IpProtocol.Udp, 8), TestPackets.Udp(7, 9)));

        byte[] wire = Protect(sa, original);

        Assert.Equal((byte)IpProtocol.Esp, wire[40]);
        Assert.Equal(V6OuterDestination, new Ipv6Header(wire).Destination);
        Assert.Equal(original, Unprotect(sa, wire));
    }

    [Theory]
    [InlineData(4, 0, 8)]
    [InlineData(8, 4, 16)]
    [InlineData(12, 0, 16)]
    [InlineData(40, 4, 48)]
    public void Ipv4_options_travel_in_a_pseudo_header(int optionsLength, int padding, int pseudoHeaderLength)
    {
        byte[] options = Options(optionsLength);
        byte[] original = Ipv4(IpProtocol.Udp, options: options);
        var sa = BeetSa(IpVersion.V4);
        var pool = NewPool();
        var packet = Rent(pool, original);

        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, FakeHeaderLength, FakeTrailerLength));

        Span<byte> data = packet.Data;
        Assert.Equal(5, data[0] & 0x0F);
        Assert.Equal(20, packet.TransportOffset);
        Assert.Equal((IpProtocol)94, packet.InnerProtocol);
        Assert.True(data.Slice(20, FakeHeaderLength).IndexOfAnyExcept((byte)0) < 0);
        Span<byte> pseudoHeader = data.Slice(20 + FakeHeaderLength, pseudoHeaderLength);
        Assert.Equal((byte)IpProtocol.Udp, pseudoHeader[0]);
        Assert.Equal((pseudoHeaderLength / 8) - 1, pseudoHeader[1]);
        Assert.Equal(padding, pseudoHeader[2]);
        Assert.Equal(0, pseudoHeader[3]);
        Assert.True(pseudoHeader.Slice(4, padding).IndexOfAnyExcept((byte)1) < 0, "padding is NOP options");
        Assert.True(pseudoHeader[(4 + padding)..].SequenceEqual(options));
        Assert.True(data[(20 + FakeHeaderLength + pseudoHeaderLength)..].SequenceEqual(original.AsSpan(20 + optionsLength)));
        pool.Return(packet);

        Assert.Equal(original, RoundTrip(sa, original));
    }

    [Fact]
    public void Ipv4_input_drops_options_a_peer_put_on_the_outer_header()
    {
        var sa = BeetSa(IpVersion.V4);
        byte[] original = Ipv4();
        byte[] wire = Protect(sa, original);
        byte[] withOuterOptions = [.. wire[..20], .. Options(4), .. wire[20..]];
        var header = new Ipv4Header(withOuterOptions) { HeaderLength = 24, TotalLength = (ushort)withOuterOptions.Length };
        header.UpdateChecksum();

        Assert.Equal(original, Unprotect(sa, withOuterOptions));
    }

    [Fact]
    public void A_CE_mark_added_on_the_way_reaches_the_inner_header()
    {
        var sa = BeetSa(IpVersion.V4);
        byte[] original = Ipv4(typeOfService: 0x02);
        byte[] wire = Protect(sa, original);
        wire[1] = 0x03;

        byte[] result = Unprotect(sa, wire);

        Assert.Equal(0x03, result[1]);
        Assert.True(new Ipv4Header(result).VerifyChecksum());
    }

    public static TheoryData<string, SecurityAssociation, IpVersion> UnsupportedSas => new()
    {
        { "no inner selector", Sa(XfrmMode.Beet, IpVersion.V4), IpVersion.V4 },
        { "IPv4 inner over IPv6 outer", Sa(XfrmMode.Beet, IpVersion.V6, HostSelector(IpVersion.V4)), IpVersion.V4 },
        { "IPv6 packet over an IPv4 SA", BeetSa(IpVersion.V4), IpVersion.V6 },
        { "outer addresses of two families", Sa(XfrmMode.Beet, V4OuterSource, V6OuterDestination, HostSelector(IpVersion.V4)), IpVersion.V4 },
        {
            "selector of networks, not hosts",
            Sa(XfrmMode.Beet, IpVersion.V4, new Selector(IpPrefix.Parse("192.0.2.0/24"), IpPrefix.Host(TestPackets.V4Destination))),
            IpVersion.V4
        },
    };

    [Theory]
    [MemberData(nameof(UnsupportedSas))]
    public void Output_over_an_SA_that_cannot_do_BEET_for_the_packet_is_unsupported(string why, SecurityAssociation sa, IpVersion packetVersion)
    {
        var pool = NewPool();
        byte[] original = packetVersion == IpVersion.V4 ? Ipv4() : Ipv6();
        var packet = Rent(pool, original);

        Assert.Equal(ModeStatus.Unsupported, XfrmModes.PrepareOutput(sa, packet, 8, 2));
        Assert.True(packet.Data.SequenceEqual(original), why);
        pool.Return(packet);
    }

    [Fact]
    public void Input_over_an_SA_without_a_host_selector_is_unsupported()
    {
        var wire = Protect(BeetSa(IpVersion.V4), Ipv4());
        var pool = NewPool();
        var packet = ReceiveUntilMode(pool, wire);

        Assert.Equal(ModeStatus.Unsupported, XfrmModes.Input(Sa(XfrmMode.Beet, IpVersion.V4), packet));
        pool.Return(packet);
    }

    [Fact]
    public void Input_of_a_packet_of_the_other_family_is_malformed()
    {
        var wire = Protect(BeetSa(IpVersion.V6), Ipv6());
        var pool = NewPool();
        var packet = ReceiveUntilMode(pool, wire);

        Assert.Equal(ModeStatus.Malformed, XfrmModes.Input(BeetSa(IpVersion.V4), packet));
        pool.Return(packet);
    }

    public static TheoryData<string, byte[]> BadPseudoHeaders => new()
    {
        { "shorter than 8 bytes", [(byte)IpProtocol.Udp, 0, 0, 0, 1, 1] },
        { "length beyond the packet", [(byte)IpProtocol.Udp, 3, 0, 0, 1, 1, 1, 1, .. TestPackets.Udp(1, 2)] },
        { "options longer than an IPv4 header holds", [(byte)IpProtocol.Udp, 6, 0, 0, .. new byte[52], .. TestPackets.Udp(1, 2)] },
        { "padding longer than the header", [(byte)IpProtocol.Udp, 0, 8, 0, 1, 1, 1, 1, .. TestPackets.Udp(1, 2)] },
        { "options not a multiple of 4", [(byte)IpProtocol.Udp, 0, 2, 0, 1, 1, 1, 1, .. TestPackets.Udp(1, 2)] },
    };

    [Theory]
    [MemberData(nameof(BadPseudoHeaders))]
    public void Input_with_a_bad_pseudo_header_is_malformed(string why, byte[] payload)
    {
        var sa = BeetSa(IpVersion.V4);
        byte[] outer = TestPackets.Ipv4(IpProtocol.Esp, payload);
        var pool = NewPool();
        var packet = Rent(pool, outer);
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(20);
        packet.NextHeaderFieldOffset = 9;
        packet.InnerProtocol = (IpProtocol)94;

        Assert.Equal(ModeStatus.Malformed, XfrmModes.Input(sa, packet));
        Assert.True(packet.Data.SequenceEqual(outer), why);
        pool.Return(packet);
    }
}

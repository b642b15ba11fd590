using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms.Modes;
using static Netipsec.Tests.Transforms.Modes.ModeTestData;

namespace Netipsec.Tests.Transforms.Modes;

public sealed class TransportModeTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(40)]
    public void Ipv4_PrepareOutput_opens_the_gap_behind_the_header_and_its_options(int optionsLength)
    {
        byte[] original = Ipv4(IpProtocol.Udp, options: optionsLength == 0 ? null : Options(optionsLength));
        int headerLength = 20 + optionsLength;
        var pool = NewPool();
        var packet = Rent(pool, original);
        var sa = Sa(XfrmMode.Transport, IpVersion.V4);

        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, 16, 30));

        Assert.Equal(original.Length + 16, packet.Length);
        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal(headerLength, packet.TransportOffset);
        Assert.Equal(IpProtocol.Udp, packet.InnerProtocol);
        Assert.Equal(9, packet.NextHeaderFieldOffset);
        Assert.Equal((byte)IpProtocol.Esp, packet.Data[9]);
        Assert.True(packet.Tailroom >= 30);
        Assert.True(packet.Data.Slice(headerLength, 16).IndexOfAnyExcept((byte)0) < 0, "the gap is zeroed");
        Assert.True(packet.Data[(headerLength + 16)..].SequenceEqual(original.AsSpan(headerLength)), "payload follows the gap");
        Assert.True(packet.Data[..9].SequenceEqual(original.AsSpan(0, 9)));
        Assert.True(packet.Data[10..headerLength].SequenceEqual(original.AsSpan(10, headerLength - 10)), "addresses and options stay");
        pool.Return(packet);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(12)]
    public void Ipv4_round_trip_restores_the_packet_byte_for_byte(int optionsLength)
    {
        byte[] original = Ipv4(IpProtocol.Tcp, typeOfService: 0xB9, dontFragment: true, options: optionsLength == 0 ? null : Options(optionsLength), payload: TestPackets.Tcp(443, 50000));
        var sa = Sa(XfrmMode.Transport, IpVersion.V4);

        byte[] wire = Protect(sa, original);

        var outer = new Ipv4Header(wire);
        Assert.Equal(original.Length + FakeHeaderLength + FakeTrailerLength, outer.TotalLength);
        Assert.Equal(wire.Length, outer.TotalLength);
        Assert.Equal(IpProtocol.Esp, outer.Protocol);
        Assert.True(outer.VerifyChecksum());
        Assert.Equal(original, Unprotect(sa, wire));
    }

    public static TheoryData<string, IpProtocol, byte[], int, int, IpProtocol> Ipv6Chains => new()
    {
        { "no extension headers", IpProtocol.Udp, TestPackets.Udp(1, 2), 40, 6, IpProtocol.Udp },
        { "hop-by-hop", IpProtocol.HopByHopOptions, TestPackets.Concat(TestPackets.Extension(IpProtocol.Udp, 8), TestPackets.Udp(1, 2)), 48, 40, IpProtocol.Udp },
        {
            "hop-by-hop, routing, destination options after routing",
            IpProtocol.HopByHopOptions,
            TestPackets.Concat(TestPackets.Extension(IpProtocol.Routing, 8), TestPackets.Extension(IpProtocol.DestinationOptions, 24), TestPackets.Extension(IpProtocol.Udp, 16), TestPackets.Udp(1, 2)),
            72, 48, IpProtocol.DestinationOptions
        },
        {
            "destination options before routing",
            IpProtocol.DestinationOptions,
            TestPackets.Concat(TestPackets.Extension(IpProtocol.Routing, 8), TestPackets.Extension(IpProtocol.Udp, 24), TestPackets.Udp(1, 2)),
            72, 48, IpProtocol.Udp
        },
        { "fragment", IpProtocol.Fragment, TestPackets.Concat(TestPackets.Fragment(IpProtocol.Udp, 0, true, 0xCAFE), TestPackets.Udp(1, 2)), 48, 40, IpProtocol.Udp },
        { "destination options ending the chain", IpProtocol.DestinationOptions, TestPackets.Concat(TestPackets.Extension(IpProtocol.Udp, 16), TestPackets.Udp(1, 2)), 40, 6, IpProtocol.DestinationOptions },
    };

    [Theory]
    [MemberData(nameof(Ipv6Chains))]
    public void Ipv6_PrepareOutput_inserts_where_the_extension_walker_says(string chain, IpProtocol first, byte[] afterFixedHeader, int insertion, int nextHeaderField, IpProtocol inner)
    {
        byte[] original = TestPackets.Ipv6(first, afterFixedHeader);
        var pool = NewPool();
        var packet = Rent(pool, original);
        var sa = Sa(XfrmMode.Transport, IpVersion.V6);

        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, FakeHeaderLength, FakeTrailerLength));

        Assert.Equal(insertion, packet.TransportOffset);
        Assert.Equal(nextHeaderField, packet.NextHeaderFieldOffset);
        Assert.Equal(inner, packet.InnerProtocol);
        Assert.Equal((byte)IpProtocol.Esp, packet.Data[nextHeaderField]);
        Assert.True(packet.Data[(insertion + FakeHeaderLength)..].SequenceEqual(original.AsSpan(insertion)), chain);
        pool.Return(packet);

        byte[] wire = Protect(sa, original);
        Assert.Equal(wire.Length - 40, new Ipv6Header(wire).PayloadLength);
        Assert.Equal(original, Unprotect(sa, wire));
    }

    [Fact]
    public void A_forwarded_packet_with_other_addresses_than_the_SA_is_processed_anyway()
    {
        var sa = Sa(XfrmMode.Transport, IpAddress.Parse("192.0.2.200"), IpAddress.Parse("192.0.2.201"));
        byte[] original = Ipv4();

        byte[] wire = Protect(sa, original);

        Assert.Equal(TestPackets.V4Source, new Ipv4Header(wire).Source);
        Assert.Equal(original, Unprotect(sa, wire));
    }

    [Fact]
    public void Link_padding_behind_the_declared_length_is_not_protected()
    {
        byte[] original = Ipv4();
        byte[] padded = [.. original, 0, 0, 0, 0, 0, 0];
        var pool = NewPool();
        var packet = Rent(pool, padded);

        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(Sa(XfrmMode.Transport, IpVersion.V4), packet, 8, 0));

        Assert.Equal(original.Length + 8, packet.Length);
        pool.Return(packet);
    }

    [Fact]
    public void Input_pushes_back_a_network_header_the_engine_already_pulled()
    {
        var sa = Sa(XfrmMode.Transport, IpVersion.V4);
        byte[] original = Ipv4();
        var pool = NewPool();
        var packet = ReceiveUntilMode(pool, Protect(sa, original));
        packet.Pull(packet.TransportOffset);

        Assert.Equal(ModeStatus.Ok, XfrmModes.Input(sa, packet));

        Assert.Equal(original, packet.Data.ToArray());
        pool.Return(packet);
    }

    public static TheoryData<string, byte[]> MalformedOutputs => new()
    {
        { "empty", [] },
        { "version 5", [0x55, .. new byte[39]] },
        { "IPv4 shorter than its total length", Ipv4()[..30] },
        { "IPv4 IHL below 5", [0x44, .. Ipv4()[1..]] },
        { "IPv6 truncated fixed header", Ipv6()[..30] },
        { "IPv6 extension header overrunning the payload", TestPackets.Ipv6(IpProtocol.HopByHopOptions, [(byte)IpProtocol.Udp, 5, 0, 0, 0, 0, 0, 0]) },
    };

    [Theory]
    [MemberData(nameof(MalformedOutputs))]
    public void PrepareOutput_rejects_what_is_not_an_IP_packet(string what, byte[] bytes)
    {
        var pool = NewPool();
        var packet = Rent(pool, bytes);
        var sa = Sa(XfrmMode.Transport, IpVersion.V4);

        Assert.Equal(ModeStatus.Malformed, XfrmModes.PrepareOutput(sa, packet, 8, 2));
        Assert.True(packet.Data.SequenceEqual(bytes), what);
        pool.Return(packet);
    }

    [Fact]
    public void Input_without_header_marks_is_malformed()
    {
        var pool = NewPool();
        var packet = Rent(pool, Ipv4());

        Assert.Equal(ModeStatus.Malformed, XfrmModes.Input(Sa(XfrmMode.Transport, IpVersion.V4), packet));

        packet.SetNetworkHeader(0);
        Assert.Equal(ModeStatus.Malformed, XfrmModes.Input(Sa(XfrmMode.Transport, IpVersion.V4), packet));
        pool.Return(packet);
    }

    [Theory]
    [InlineData(4, 9, 12)] // transport mark inside the fixed IPv4 header
    [InlineData(4, 6, 20)] // IPv4 next-header field is not the protocol byte
    [InlineData(6, 40, 40)] // IPv6 field at the transport mark, not in front of it
    [InlineData(6, 3, 40)] // IPv6 field inside the fixed header's first word
    public void Input_with_inconsistent_marks_is_malformed_and_unchanged(int version, int field, int transport)
    {
        byte[] bytes = version == 4 ? Ipv4() : Ipv6();
        var pool = NewPool();
        var packet = Rent(pool, bytes);
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(transport);
        packet.NextHeaderFieldOffset = field;
        packet.InnerProtocol = IpProtocol.Tcp;

        Assert.Equal(ModeStatus.Malformed, XfrmModes.Input(Sa(XfrmMode.Transport, IpVersion.V4), packet));
        Assert.True(packet.Data.SequenceEqual(bytes));
        pool.Return(packet);
    }

    [Fact]
    public void Input_of_an_IPv4_header_whose_options_run_past_the_transport_mark_is_malformed()
    {
        byte[] bytes = Ipv4(options: Options(8));
        var pool = NewPool();
        var packet = Rent(pool, bytes);
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(24);
        packet.NextHeaderFieldOffset = 9;

        Assert.Equal(ModeStatus.Malformed, XfrmModes.Input(Sa(XfrmMode.Transport, IpVersion.V4), packet));
        pool.Return(packet);
    }
}

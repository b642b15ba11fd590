using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

public sealed class IcmpErrorBuilderTests
{
    private static readonly IpAddress GatewayV4 = IpAddress.Parse("203.0.113.1");
    private static readonly IpAddress GatewayV6 = IpAddress.Parse("2001:db8:ffff::1");

    private readonly PacketPool _pool;
    private readonly IcmpErrorBuilder _builder;

    public IcmpErrorBuilderTests()
    {
        _pool = new PacketPool(capacity: 4, diagnostics: false);
        _builder = new IcmpErrorBuilder(_pool);
    }

    [Fact]
    public void Fragmentation_needed_quotes_the_offender_up_to_576_bytes()
    {
        byte[] offending = TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(4500, 4500, dataLength: 1400));

        Packet error = Build(offending, GatewayV4, 1380);

        Span<byte> data = error.Data;
        Assert.True(Ipv4Header.TryParse(data, out Ipv4Header header, out _));
        Assert.Equal(IcmpErrorBuilder.Ipv4MaxErrorLength, data.Length);
        Assert.Equal((ushort)576, header.TotalLength);
        Assert.True(header.VerifyChecksum());
        Assert.Equal((GatewayV4, TestPackets.V4Source, IpProtocol.Icmp), (header.Source, header.Destination, header.Protocol));
        Assert.Equal(48, header.Dscp); // CS6, precedence 6 (RFC 1812 §4.3.2.5)

        Span<byte> icmp = data[20..];
        Assert.Equal((3, 4), (icmp[0], icmp[1]));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]));
        Assert.Equal(1380, BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]));
        Assert.True(InternetChecksum.Verify(icmp));
        Assert.Equal(offending.AsSpan(0, 548), icmp[8..]);
        Assert.Equal(0, error.NetworkOffset);
        Assert.Equal(20, error.TransportOffset);
    }

    [Fact]
    public void A_small_offender_is_quoted_whole_without_link_padding()
    {
        byte[] datagram = TestPackets.Ipv4(IpProtocol.Tcp, TestPackets.Tcp(1000, 80));
        byte[] padded = [.. datagram, 0xEE, 0xEE, 0xEE, 0xEE];

        Packet error = Build(padded, GatewayV4, 576);

        Assert.Equal(20 + 8 + datagram.Length, error.Length);
        Assert.Equal(datagram, error.Data[28..].ToArray());
    }

    [Fact]
    public void Packet_too_big_quotes_the_offender_up_to_1280_bytes()
    {
        byte[] offending = TestPackets.Ipv6(IpProtocol.Udp, TestPackets.Udp(500, 500, dataLength: 1452));

        Packet error = Build(offending, GatewayV6, 1400);

        Span<byte> data = error.Data;
        Assert.True(Ipv6Header.TryParse(data, out Ipv6Header header, out _));
        Assert.Equal(IcmpErrorBuilder.Ipv6MaxErrorLength, data.Length);
        Assert.Equal((ushort)1240, header.PayloadLength);
        Assert.Equal((GatewayV6, TestPackets.V6Source, IpProtocol.Icmpv6), (header.Source, header.Destination, header.NextHeader));

        Span<byte> icmp = data[40..];
        Assert.Equal((2, 0), (icmp[0], icmp[1]));
        Assert.Equal(1400u, BinaryPrimitives.ReadUInt32BigEndian(icmp[4..]));
        Assert.True(InternetChecksum.VerifyTransportChecksum(GatewayV6, TestPackets.V6Source, IpProtocol.Icmpv6, icmp));
        Assert.Equal(offending.AsSpan(0, 1232), icmp[8..]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(11)]
    [InlineData(12)]
    public void An_ICMPv4_error_is_never_answered(byte type) =>
        AssertNotAllowed(TestPackets.Ipv4(IpProtocol.Icmp, TestPackets.Icmp(type, 0)), GatewayV4, 576);

    [Fact]
    public void An_ICMPv4_echo_is_answered_and_a_cut_off_ICMP_is_not()
    {
        Assert.Equal(IcmpErrorStatus.Built, TryBuild(TestPackets.Ipv4(IpProtocol.Icmp, TestPackets.Icmp(8, 0)), GatewayV4, 576));
        AssertNotAllowed(TestPackets.Ipv4(IpProtocol.Icmp, []), GatewayV4, 576);
    }

    [Fact]
    public void A_non_first_IPv4_fragment_is_never_answered()
    {
        AssertNotAllowed(TestPackets.Ipv4(IpProtocol.Udp, new byte[64], fragmentOffsetUnits: 10), GatewayV4, 576);
        Assert.Equal(IcmpErrorStatus.Built, TryBuild(TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2), moreFragments: true), GatewayV4, 576));
    }

    [Theory]
    [InlineData("0.0.0.0", "198.51.100.7")]
    [InlineData("127.0.0.1", "198.51.100.7")]
    [InlineData("224.0.0.5", "198.51.100.7")]
    [InlineData("240.0.0.1", "198.51.100.7")]
    [InlineData("255.255.255.255", "198.51.100.7")]
    [InlineData("192.0.2.1", "224.0.0.251")]
    [InlineData("192.0.2.1", "255.255.255.255")]
    public void IPv4_from_or_to_no_single_host_is_never_answered(string source, string destination)
    {
        byte[] offending = TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2));
        var header = new Ipv4Header(offending) { Source = IpAddress.Parse(source), Destination = IpAddress.Parse(destination) };
        header.UpdateChecksum();

        AssertNotAllowed(offending, GatewayV4, 576);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(137)]
    public void An_ICMPv6_error_or_redirect_is_never_answered(byte type) =>
        AssertNotAllowed(TestPackets.Ipv6(IpProtocol.Icmpv6, TestPackets.Icmp(type, 0)), GatewayV6, 1280);

    [Fact]
    public void IPv6_echoes_multicast_destinations_and_non_first_fragments_are_answered()
    {
        Assert.Equal(IcmpErrorStatus.Built, TryBuild(TestPackets.Ipv6(IpProtocol.Icmpv6, TestPackets.Icmp(128, 0)), GatewayV6, 1280));

        byte[] multicast = TestPackets.Ipv6(IpProtocol.Udp, TestPackets.Udp(1, 2));
        _ = new Ipv6Header(multicast) { Destination = IpAddress.Parse("ff02::1") };
        Assert.Equal(IcmpErrorStatus.Built, TryBuild(multicast, GatewayV6, 1280));

        byte[] laterFragment = TestPackets.Ipv6(IpProtocol.Fragment, TestPackets.Concat(TestPackets.Fragment(IpProtocol.Icmpv6, 1232, false, 7), new byte[16]));
        Assert.Equal(IcmpErrorStatus.Built, TryBuild(laterFragment, GatewayV6, 1280));
    }

    [Theory]
    [InlineData("::")]
    [InlineData("ff02::1")]
    public void IPv6_from_no_single_host_is_never_answered(string source)
    {
        byte[] offending = TestPackets.Ipv6(IpProtocol.Udp, TestPackets.Udp(1, 2));
        _ = new Ipv6Header(offending) { Source = IpAddress.Parse(source) };

        AssertNotAllowed(offending, GatewayV6, 1280);
    }

    [Fact]
    public void Malformed_offenders_are_reported()
    {
        Assert.Equal(IcmpErrorStatus.Malformed, TryBuild([], GatewayV4, 576));
        Assert.Equal(IcmpErrorStatus.Malformed, TryBuild([0x45, 0, 0], GatewayV4, 576));
        Assert.Equal(IcmpErrorStatus.Malformed, TryBuild([0x60, 0, 0, 0], GatewayV6, 1280));
        Assert.Equal(IcmpErrorStatus.Malformed, TryBuild([0x10, 0, 0, 0], GatewayV6, 1280));
        Assert.Equal(0, _pool.RentedCount);
    }

    [Fact]
    public void Arguments_that_cannot_make_a_valid_error_throw()
    {
        byte[] v4 = TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2));
        byte[] v6 = TestPackets.Ipv6(IpProtocol.Udp, TestPackets.Udp(1, 2));

        Assert.Throws<ArgumentException>(() => TryBuild(v4, GatewayV6, 576));
        Assert.Throws<ArgumentOutOfRangeException>(() => TryBuild(v4, GatewayV4, 67));
        Assert.Throws<ArgumentOutOfRangeException>(() => TryBuild(v4, GatewayV4, 65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => TryBuild(v6, GatewayV6, 1279));
    }

    [Fact]
    public void An_exhausted_pool_is_NoBuffer()
    {
        var tiny = new PacketPool(capacity: 1, diagnostics: false);
        var builder = new IcmpErrorBuilder(tiny);
        Packet held = tiny.Rent();

        Assert.Equal(IcmpErrorStatus.NoBuffer, builder.TryBuildPacketTooBig(TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2)), GatewayV4, 576, out Packet? error));
        Assert.Null(error);
        tiny.Return(held);
    }

    [Fact]
    public void Successive_IPv4_errors_get_distinct_identifications()
    {
        byte[] offending = TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2));

        ushort first = new Ipv4Header(Build(offending, GatewayV4, 576).Data).Identification;
        ushort second = new Ipv4Header(Build(offending, GatewayV4, 576).Data).Identification;

        Assert.NotEqual(first, second);
    }

    private Packet Build(byte[] offending, IpAddress local, int mtu)
    {
        Assert.Equal(IcmpErrorStatus.Built, _builder.TryBuildPacketTooBig(offending, local, mtu, out Packet? error));
        return error!;
    }

    private IcmpErrorStatus TryBuild(byte[] offending, IpAddress local, int mtu)
    {
        IcmpErrorStatus status = _builder.TryBuildPacketTooBig(offending, local, mtu, out Packet? error);
        if (error is not null)
        {
            _pool.Return(error);
        }

        return status;
    }

    private void AssertNotAllowed(byte[] offending, IpAddress local, int mtu)
    {
        Assert.Equal(IcmpErrorStatus.NotAllowed, TryBuild(offending, local, mtu));
        Assert.Equal(0, _pool.RentedCount);
    }
}

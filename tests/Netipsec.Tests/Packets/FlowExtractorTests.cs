using CsCheck;
using Netipsec.Packets;
using static Netipsec.Tests.Packets.TestPackets;

namespace Netipsec.Tests.Packets;

public sealed class FlowExtractorTests
{
    private static Flow Extract(byte[] packet, int interfaceIndex = 0)
    {
        Assert.True(FlowExtractor.TryExtract(packet, interfaceIndex, out Flow flow, out PacketError error));
        Assert.Equal(PacketError.None, error);
        return flow;
    }

    private static PacketError Failure(byte[] packet)
    {
        Assert.False(FlowExtractor.TryExtract(packet, 0, out Flow flow, out PacketError error));
        Assert.Equal(default, flow);
        return error;
    }

    [Theory]
    [InlineData(IpProtocol.Tcp)]
    [InlineData(IpProtocol.Udp)]
    [InlineData(IpProtocol.UdpLite)]
    [InlineData(IpProtocol.Sctp)]
    [InlineData(IpProtocol.Dccp)]
    public void IPv4PortsAreReadForPortProtocols(IpProtocol protocol)
    {
        Flow flow = Extract(Ipv4(protocol, Udp(4500, 500)), interfaceIndex: 7);

        Assert.Equal(new Flow(V4Source, V4Destination, protocol, 4500, 500, 7), flow);
        Assert.Equal(IpVersion.V4, flow.Version);
    }

    [Fact]
    public void ICMPTypeAndCodeGoInThePorts()
    {
        Flow flow = Extract(Ipv4(IpProtocol.Icmp, Icmp(3, 4)));

        Assert.Equal(IpProtocol.Icmp, flow.Protocol);
        Assert.Equal(3, flow.SourcePort);
        Assert.Equal(4, flow.DestinationPort);
        Assert.Equal(3, flow.IcmpType);
        Assert.Equal(4, flow.IcmpCode);
    }

    [Fact]
    public void AProtocolWithoutPortsLeavesThemZero()
    {
        Flow flow = Extract(Ipv4(IpProtocol.Gre, [0, 0, 0x08, 0x00, 1, 2, 3, 4]));

        Assert.Equal(IpProtocol.Gre, flow.Protocol);
        Assert.Equal(0, flow.SourcePort);
        Assert.Equal(0, flow.DestinationPort);
    }

    [Fact]
    public void IPv4OptionsAreSkipped()
    {
        Flow flow = Extract(Ipv4(IpProtocol.Tcp, Tcp(22, 60000), options: [1, 1, 1, 1, 1, 1, 1, 0]));

        Assert.Equal(22, flow.SourcePort);
        Assert.Equal(60000, flow.DestinationPort);
    }

    [Fact]
    public void AnIPv4NonFirstFragmentHasItsProtocolButNoPorts()
    {
        Flow flow = Extract(Ipv4(IpProtocol.Tcp, [], fragmentOffsetUnits: 185));

        Assert.Equal(new Flow(V4Source, V4Destination, IpProtocol.Tcp, 0, 0), flow);
    }

    [Fact]
    public void AnIPv4FirstFragmentTooShortForPortsIsTruncated()
    {
        Assert.Equal(PacketError.Truncated, Failure(Ipv4(IpProtocol.Tcp, [0, 22], moreFragments: true)));
    }

    [Fact]
    public void PortsAreReadWithinTheTotalLengthNotFromLinkPadding()
    {
        byte[] packet = Concat(Ipv4(IpProtocol.Udp, [0x11, 0x94]), [0x01, 0xF4, 0, 0]);

        Assert.Equal(PacketError.Truncated, Failure(packet));
    }

    [Fact]
    public void IPv6PortsAreReadAfterTheExtensionHeaders()
    {
        byte[] packet = Ipv6(IpProtocol.HopByHopOptions, Concat(Extension(IpProtocol.DestinationOptions, 8), Extension(IpProtocol.Tcp, 16), Tcp(179, 33000)));

        Assert.Equal(new Flow(V6Source, V6Destination, IpProtocol.Tcp, 179, 33000, 2), Extract(packet, 2));
    }

    [Fact]
    public void ICMPv6TypeAndCodeGoInThePorts()
    {
        Flow flow = Extract(Ipv6(IpProtocol.Icmpv6, Icmp(135, 0)));

        Assert.Equal(IpProtocol.Icmpv6, flow.Protocol);
        Assert.Equal(135, flow.IcmpType);
        Assert.Equal(0, flow.IcmpCode);
    }

    [Fact]
    public void TheMobilityHeaderTypeGoesInTheSourcePort()
    {
        byte[] mobility = [(byte)IpProtocol.NoNextHeader, 0, 5, 0, 0, 0, 0, 0];

        Flow flow = Extract(Ipv6(IpProtocol.Mobility, mobility));

        Assert.Equal(IpProtocol.Mobility, flow.Protocol);
        Assert.Equal(5, flow.SourcePort);
        Assert.Equal(0, flow.DestinationPort);
        Assert.Equal(PacketError.Truncated, Failure(Ipv6(IpProtocol.Mobility, mobility[..2])));
    }

    [Fact]
    public void AnIPv6NonFirstFragmentHasItsProtocolButNoPorts()
    {
        byte[] packet = Ipv6(IpProtocol.Fragment, Concat(Fragment(IpProtocol.Udp, 2960, more: true, 9), [1, 2]));

        Assert.Equal(new Flow(V6Source, V6Destination, IpProtocol.Udp, 0, 0), Extract(packet));
    }

    [Fact]
    public void AnIPv6FirstFragmentTooShortForPortsIsTruncated()
    {
        byte[] packet = Ipv6(IpProtocol.Fragment, Concat(Fragment(IpProtocol.Udp, 0, more: true, 9), [1, 2]));

        Assert.Equal(PacketError.Truncated, Failure(packet));
    }

    [Fact]
    public void ESPIsTheUpperLayerAndHasNoPorts()
    {
        Flow flow = Extract(Ipv6(IpProtocol.Esp, [0, 0, 1, 0, 0, 0, 0, 1]));

        Assert.Equal(IpProtocol.Esp, flow.Protocol);
        Assert.Equal(0, flow.SourcePort);
    }

    [Fact]
    public void HeaderErrorsArePassedOn()
    {
        Assert.Equal(PacketError.Truncated, Failure([]));
        Assert.Equal(PacketError.BadVersion, Failure([0x50, 0, 0, 0]));
        Assert.Equal(PacketError.BadHeaderLength, Failure(Ipv4(IpProtocol.Tcp, Tcp(1, 2)).Select((b, i) => i == 0 ? (byte)0x43 : b).ToArray()));
        Assert.Equal(PacketError.Truncated, Failure(Ipv4(IpProtocol.Icmp, [8])));
        Assert.Equal(PacketError.HopByHopNotFirst, Failure(Ipv6(IpProtocol.Routing, Concat(Extension(IpProtocol.HopByHopOptions, 8), Extension(IpProtocol.Tcp, 8), Tcp(1, 2)))));
    }

    private static readonly byte[] InterestingProtocols = [1, 4, 6, 17, 33, 50, 58, 132, 135, 136, 255];

    [Fact]
    public void IPv4ExtractionAgreesWithAByteByByteReadingOfRfc791()
    {
        // Random bytes shaped so that the checks meet their edges: IHL from 0 to 15, a total length around the header
        // length or around the buffer's end, the protocols with ports, ICMP, Mobility and others, fragments or not,
        // and now and then a version that is neither 4 nor 6.
        Gen.Select(Gen.Byte.Array[0, 72], Gen.Int[0, 15], Gen.Bool, Gen.Int[-6, 6], Gen.Int[0, InterestingProtocols.Length - 1].Select(i => InterestingProtocols[i]), Gen.Int[0, 11])
            .Sample((bytes, ihl, totalFromHeader, totalDelta, protocol, shape) =>
            {
                if (bytes.Length > 0)
                {
                    bytes[0] = (byte)(((shape < 10 ? 4 : shape == 10 ? 5 : 7) << 4) | ihl);
                }

                if (bytes.Length >= 4)
                {
                    int total = Math.Max(0, (totalFromHeader ? ihl * 4 : bytes.Length) + totalDelta);
                    bytes[2] = (byte)(total >> 8);
                    bytes[3] = (byte)total;
                }

                if (bytes.Length >= 8 && shape % 2 == 0)
                {
                    bytes[6] &= 0xE0; // a whole datagram or a first fragment: flags only, offset zero
                    bytes[7] = 0;
                }

                if (bytes.Length >= 10)
                {
                    bytes[9] = protocol;
                }

                bool extracted = FlowExtractor.TryExtract(bytes, 3, out Flow flow, out PacketError error);

                (PacketError expectedError, Flow expectedFlow) = ReadIpv4ByteByByte(bytes, 3);
                Assert.Equal(expectedError, error);
                Assert.Equal(expectedError == PacketError.None, extracted);
                Assert.Equal(expectedFlow, flow);
            },
            iter: 20_000);
    }

    /// <summary>The reference: RFC 791's fields read one byte at a time, in the documented order of checks.</summary>
    private static (PacketError Error, Flow Flow) ReadIpv4ByteByByte(byte[] packet, int interfaceIndex)
    {
        if (packet.Length == 0)
        {
            return (PacketError.Truncated, default);
        }

        if (packet[0] >> 4 != 4)
        {
            return (PacketError.BadVersion, default);
        }

        if (packet.Length < 20)
        {
            return (PacketError.Truncated, default);
        }

        int headerLength = (packet[0] & 0x0F) * 4;
        int totalLength = (packet[2] << 8) | packet[3];
        PacketError headerError = headerLength < 20 ? PacketError.BadHeaderLength
            : headerLength > packet.Length ? PacketError.Truncated
            : totalLength < headerLength ? PacketError.BadTotalLength
            : totalLength > packet.Length ? PacketError.Truncated
            : PacketError.None;
        if (headerError != PacketError.None)
        {
            return (headerError, default);
        }

        var protocol = (IpProtocol)packet[9];
        bool nonFirstFragment = ((packet[6] & 0x1F) | packet[7]) != 0;
        byte[] upper = packet[headerLength..totalLength];
        int needed = nonFirstFragment ? 0 : protocol switch
        {
            IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.UdpLite or IpProtocol.Sctp or IpProtocol.Dccp => 4,
            IpProtocol.Icmp or IpProtocol.Icmpv6 => 2,
            IpProtocol.Mobility => 3,
            _ => 0,
        };
        if (upper.Length < needed)
        {
            return (PacketError.Truncated, default);
        }

        (ushort sourcePort, ushort destinationPort) = needed switch
        {
            4 => ((ushort)((upper[0] << 8) | upper[1]), (ushort)((upper[2] << 8) | upper[3])),
            2 => (upper[0], upper[1]),
            3 => (upper[2], (ushort)0),
            _ => ((ushort)0, (ushort)0),
        };
        var source = IpAddress.Parse($"{packet[12]}.{packet[13]}.{packet[14]}.{packet[15]}");
        var destination = IpAddress.Parse($"{packet[16]}.{packet[17]}.{packet[18]}.{packet[19]}");
        return (PacketError.None, new Flow(source, destination, protocol, sourcePort, destinationPort, interfaceIndex));
    }
}

using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

public sealed class Ipv6HeaderTests
{
    [Fact]
    public void SettersWriteTheWireBitsAndGettersReadThemBack()
    {
        byte[] bytes = new byte[48];
        var header = new Ipv6Header(bytes)
        {
            Version = 6,
            TrafficClass = 0xB8,
            FlowLabel = 0xABCDE,
            PayloadLength = 8,
            NextHeader = IpProtocol.Udp,
            HopLimit = 255,
            Source = IpAddress.Parse("2001:db8::1"),
            Destination = IpAddress.Parse("fe80::2"),
        };

        Assert.Equal("6B8ABCDE000811FF", Convert.ToHexString(bytes, 0, 8));
        Assert.Equal("20010DB8000000000000000000000001", Convert.ToHexString(bytes, 8, 16));
        Assert.Equal("FE800000000000000000000000000002", Convert.ToHexString(bytes, 24, 16));
        Assert.Equal(6, header.Version);
        Assert.Equal(0xB8, header.TrafficClass);
        Assert.Equal(0xABCDE, header.FlowLabel);
        Assert.Equal(8, header.PayloadLength);
        Assert.Equal(IpProtocol.Udp, header.NextHeader);
        Assert.Equal(255, header.HopLimit);
        Assert.Equal(IpAddress.Parse("2001:db8::1"), header.Source);
        Assert.Equal(IpAddress.Parse("fe80::2"), header.Destination);
        Assert.Equal(8, header.Payload.Length);
    }

    [Fact]
    public void TrafficClassAndFlowLabelDoNotDisturbEachOtherOrTheVersion()
    {
        byte[] bytes = new byte[40];
        var header = new Ipv6Header(bytes) { Version = 6, FlowLabel = 0xFFFFF };
        header.TrafficClass = 0x00;
        header.TrafficClass = 0xFF;
        header.FlowLabel = 0x00001;

        Assert.Equal(6, header.Version);
        Assert.Equal(0xFF, header.TrafficClass);
        Assert.Equal(1, header.FlowLabel);
    }

    [Fact]
    public void TryParseAcceptsAPacketAndIgnoresTrailingBytes()
    {
        byte[] packet = TestPackets.Concat(TestPackets.Ipv6(IpProtocol.Tcp, TestPackets.Tcp(1, 2)), [0, 0]);

        Assert.True(Ipv6Header.TryParse(packet, out Ipv6Header header, out PacketError error));
        Assert.Equal(PacketError.None, error);
        Assert.Equal(TestPackets.Tcp(1, 2), header.Payload.ToArray());
        Assert.Equal(TestPackets.V6Source, header.Source);
    }

    public static TheoryData<string, byte[], PacketError> Malformed()
    {
        byte[] valid = TestPackets.Ipv6(IpProtocol.Tcp, TestPackets.Tcp(1, 2));
        return new()
        {
            { "empty buffer", [], PacketError.Truncated },
            { "39 bytes", valid[..39], PacketError.Truncated },
            { "version 4", valid.Select((b, i) => i == 0 ? (byte)0x45 : b).ToArray(), PacketError.BadVersion },
            { "payload length past the buffer", valid[..59], PacketError.BadPayloadLength },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryParseRejectsMalformedHeadersWithAReason(string description, byte[] packet, PacketError expected)
    {
        Assert.False(Ipv6Header.TryParse(packet, out _, out PacketError error), description);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void AddressesOfTheWrongVersionAreRefused()
    {
        byte[] bytes = new byte[40];

        Assert.Throws<ArgumentException>(() => new Ipv6Header(bytes).Destination = TestPackets.V4Destination);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv6Header(new byte[39]));
    }
}

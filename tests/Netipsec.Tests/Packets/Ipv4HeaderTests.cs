using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

public sealed class Ipv4HeaderTests
{
    [Theory]
    [InlineData(0x00, true)]
    [InlineData(0xB9, false)]
    public void WriteFixed_writes_the_header_and_checksum_the_view_would(byte typeOfService, bool dontFragment)
    {
        byte[] expected = new byte[20];
        _ = new Ipv4Header(expected)
        {
            Version = 4,
            HeaderLength = Ipv4Header.MinLength,
            Dscp = typeOfService >> 2,
            Ecn = typeOfService & 0x03,
            TotalLength = 0x5DC,
            Identification = 0xBEEF,
            DontFragment = dontFragment,
            TimeToLive = 64,
            Protocol = IpProtocol.Esp,
            Source = IpAddress.Parse("192.0.2.1"),
            Destination = IpAddress.Parse("198.51.100.2"),
        };
        new Ipv4Header(expected).UpdateChecksum();
        byte[] written = new byte[24];
        written.AsSpan().Fill(0xAA);

        Ipv4Header.WriteFixed(written, typeOfService, 0x5DC, 0xBEEF, dontFragment, 64, IpProtocol.Esp, IpAddress.Parse("192.0.2.1").ToIpv4(), IpAddress.Parse("198.51.100.2").ToIpv4());

        Assert.Equal(expected, written[..20]);
        Assert.Equal([0xAA, 0xAA, 0xAA, 0xAA], written[20..]);
        Assert.Throws<ArgumentException>(() => Ipv4Header.WriteFixed(new byte[19], 0, 0, 0, false, 64, IpProtocol.Esp, 1, 2));
    }

    private static byte[] CapturedDatagram() => TestPackets.Concat(TestPackets.CapturedIpv4Header(), new byte[0x73 - 20]);

    [Fact]
    public void ReadsEveryFieldOfACapturedHeader()
    {
        byte[] datagram = CapturedDatagram();

        Assert.True(Ipv4Header.TryParse(datagram, out Ipv4Header header, out PacketError error));
        Assert.Equal(PacketError.None, error);
        Assert.Equal(4, header.Version);
        Assert.Equal(20, header.HeaderLength);
        Assert.Equal(0, header.Dscp);
        Assert.Equal(0, header.Ecn);
        Assert.Equal(0x73, header.TotalLength);
        Assert.Equal(0, header.Identification);
        Assert.False(header.ReservedFlag);
        Assert.True(header.DontFragment);
        Assert.False(header.MoreFragments);
        Assert.Equal(0, header.FragmentOffset);
        Assert.False(header.IsFragment);
        Assert.Equal(64, header.TimeToLive);
        Assert.Equal(IpProtocol.Udp, header.Protocol);
        Assert.Equal(0xB861, header.Checksum);
        Assert.Equal(IpAddress.Parse("192.168.0.1"), header.Source);
        Assert.Equal(IpAddress.Parse("192.168.0.199"), header.Destination);
        Assert.Equal(0, header.Options.Length);
        Assert.Equal(0x73 - 20, header.Payload.Length);
        Assert.True(header.VerifyChecksum());
        Assert.Equal(0xB861, header.ComputeChecksum());
    }

    [Fact]
    public void SettersWriteTheWireBitsInPlace()
    {
        byte[] bytes = new byte[24];
        _ = new Ipv4Header(bytes)
        {
            Version = 4,
            HeaderLength = 24,
            Dscp = 46,
            Ecn = 1,
            TotalLength = 0x1234,
            Identification = 0xABCD,
            ReservedFlag = true,
            MoreFragments = true,
            FragmentOffset = 0x1ABC,
            TimeToLive = 17,
            Protocol = IpProtocol.Esp,
            Checksum = 0xCAFE,
            Source = IpAddress.Parse("10.1.2.3"),
            Destination = IpAddress.Parse("10.4.5.6"),
        };

        Assert.Equal("46B91234ABCDBABC1132CAFE0A0102030A040506", Convert.ToHexString(bytes, 0, 20));
    }

    [Fact]
    public void FlagAndOffsetSettersLeaveEachOtherAlone()
    {
        byte[] bytes = new byte[20];
        var header = new Ipv4Header(bytes) { FragmentOffset = 0x1FFF, DontFragment = true, MoreFragments = true };
        header.MoreFragments = false;
        header.Dscp = 63;
        header.Ecn = 0;

        Assert.True(header.DontFragment);
        Assert.False(header.MoreFragments);
        Assert.Equal(0x1FFF, header.FragmentOffset);
        Assert.True(header.IsFragment);
        Assert.Equal(new FragmentInfo(0x1FFF * 8, false, 0), header.Fragment);
        Assert.Equal(0xFC, bytes[1]);
    }

    [Fact]
    public void OptionsAndPayloadFollowTheHeaderLengthAndTotalLength()
    {
        byte[] packet = TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2), options: [1, 1, 1, 0]);
        byte[] padded = TestPackets.Concat(packet, [0, 0, 0, 0, 0, 0]);

        Assert.True(Ipv4Header.TryParse(padded, out Ipv4Header header, out _));
        Assert.Equal(24, header.HeaderLength);
        Assert.Equal(new byte[] { 1, 1, 1, 0 }, header.Options.ToArray());
        Assert.Equal(TestPackets.Udp(1, 2), header.Payload.ToArray());
        Assert.True(header.VerifyChecksum());
    }

    public static TheoryData<string, byte[], PacketError> Malformed()
    {
        byte[] Valid() => TestPackets.Ipv4(IpProtocol.Tcp, TestPackets.Tcp(1, 2));
        byte[] With(Action<byte[]> change)
        {
            byte[] packet = Valid();
            change(packet);
            return packet;
        }

        return new()
        {
            { "empty buffer", [], PacketError.Truncated },
            { "shorter than 20 bytes", Valid()[..19], PacketError.Truncated },
            { "version 6", With(p => p[0] = 0x65), PacketError.BadVersion },
            { "version 6 in a short buffer", [0x60], PacketError.BadVersion },
            { "IHL 4", With(p => p[0] = 0x44), PacketError.BadHeaderLength },
            { "IHL 15 past the buffer", Valid()[..40].Select((b, i) => i == 0 ? (byte)0x4F : b).ToArray(), PacketError.Truncated },
            { "total length below the header", With(p => p[3] = 19), PacketError.BadTotalLength },
            { "total length past the buffer", With(p => p[3] = 41), PacketError.Truncated },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryParseRejectsMalformedHeadersWithAReason(string description, byte[] packet, PacketError expected)
    {
        Assert.False(Ipv4Header.TryParse(packet, out _, out PacketError error), description);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void UpdateChecksumFixesTheChecksumAfterAChange()
    {
        byte[] datagram = CapturedDatagram();
        Assert.True(Ipv4Header.TryParse(datagram, out Ipv4Header header, out _));

        header.TimeToLive--;
        Assert.False(header.VerifyChecksum());

        header.UpdateChecksum();
        Assert.True(header.VerifyChecksum());
        Assert.Equal(0xB961, header.Checksum);
    }

    [Fact]
    public void AddressesOfTheWrongVersionAreRefused()
    {
        byte[] bytes = new byte[20];

        Assert.Throws<ArgumentException>(() => new Ipv4Header(bytes).Source = TestPackets.V6Source);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv4Header(new byte[19]));
    }
}

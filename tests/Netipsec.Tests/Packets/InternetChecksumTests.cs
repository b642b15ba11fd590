using System.Buffers.Binary;
using CsCheck;
using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

public sealed class InternetChecksumTests
{
    [Fact]
    public void SumsTheRFC1071Example()
    {
        // RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to ddf2.
        byte[] data = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7];

        Assert.Equal(0xDDF2, InternetChecksum.Sum(data));
        Assert.Equal(0x220D, InternetChecksum.Compute(data));
    }

    [Fact]
    public void PadsAnOddLastByteWithZero()
    {
        Assert.Equal(0x0100, InternetChecksum.Sum([0x01]));
        Assert.Equal(0x0102 + 0x0300, InternetChecksum.Sum([0x01, 0x02, 0x03]));
        Assert.Equal(0, InternetChecksum.Sum([]));
    }

    [Fact]
    public void VerifiesACapturedIPv4HeaderAndCatchesAFlippedBit()
    {
        byte[] header = TestPackets.CapturedIpv4Header();

        Assert.True(InternetChecksum.Verify(header));
        header[15] ^= 0x01;
        Assert.False(InternetChecksum.Verify(header));
    }

    [Fact]
    public void TheFastSumMatchesAWordByWordReference()
    {
        Gen.Select(Gen.Byte.Array[0, 1600], Gen.UShort).Sample(
            (data, initial) => Assert.Equal(TestPackets.NaiveSum(data, initial), InternetChecksum.Sum(data, initial)),
            iter: 3000);
    }

    [Fact]
    public void SummingInEvenPiecesEqualsSummingTheWhole()
    {
        Gen.Select(Gen.Byte.Array[0, 600], Gen.Int[0, 300]).Sample(
            (data, cut) =>
            {
                int split = Math.Min(cut * 2, data.Length & ~1);
                ushort pieces = InternetChecksum.Sum(data.AsSpan(split), InternetChecksum.Sum(data.AsSpan(0, split)));
                Assert.Equal(InternetChecksum.Sum(data), pieces);
            },
            iter: 1000);
    }

    [Fact]
    public void PseudoHeaderSumsFollowRFC768AndRFC8200()
    {
        byte[] v4 = TestPackets.Concat(Convert.FromHexString("C0000201C6336407"), [0, 17, 0x01, 0x2C]);
        byte[] v6 = TestPackets.Concat(
            Convert.FromHexString("20010DB800000000000000000000000120010DB8000000000000000000000002"),
            [0x00, 0x01, 0x00, 0x2C, 0, 0, 0, 58]);

        Assert.Equal(TestPackets.NaiveSum(v4), InternetChecksum.PseudoHeaderSum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Udp, 300));
        Assert.Equal(TestPackets.NaiveSum(v6), InternetChecksum.PseudoHeaderSum(TestPackets.V6Source, TestPackets.V6Destination, IpProtocol.Icmpv6, 0x1002C));
    }

    [Fact]
    public void PseudoHeaderSumsNeedTwoAddressesOfOneVersion()
    {
        Assert.Throws<ArgumentException>(() => InternetChecksum.PseudoHeaderSum(TestPackets.V4Source, TestPackets.V6Destination, IpProtocol.Tcp, 20));
        Assert.Throws<ArgumentException>(() => InternetChecksum.PseudoHeaderSum(default, default, IpProtocol.Tcp, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => InternetChecksum.PseudoHeaderSum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Tcp, 65536));
    }

    [Theory]
    [InlineData(IpProtocol.Tcp, 4)]
    [InlineData(IpProtocol.Udp, 4)]
    [InlineData(IpProtocol.Udp, 6)]
    [InlineData(IpProtocol.Icmpv6, 4)]
    [InlineData(IpProtocol.Icmpv6, 6)]
    [InlineData(IpProtocol.Tcp, 6)]
    public void TransportChecksumsCoverThePseudoHeaderAndVerify(IpProtocol protocol, int version)
    {
        (IpAddress source, IpAddress destination) = version == 4
            ? (TestPackets.V4Source, TestPackets.V4Destination)
            : (TestPackets.V6Source, TestPackets.V6Destination);
        byte[] message = protocol switch
        {
            IpProtocol.Tcp => TestPackets.Concat(TestPackets.Tcp(443, 50000), [1, 2, 3]),
            IpProtocol.Udp => TestPackets.Udp(500, 4500, 5),
            _ => TestPackets.Icmp(128, 0),
        };
        int field = protocol switch { IpProtocol.Tcp => 16, IpProtocol.Udp => 6, _ => 2 };

        InternetChecksum.WriteTransportChecksum(source, destination, protocol, message);

        byte[] zeroed = (byte[])message.Clone();
        zeroed[field] = 0;
        zeroed[field + 1] = 0;
        ushort expected = (ushort)~TestPackets.NaiveSum(zeroed, InternetChecksum.PseudoHeaderSum(source, destination, protocol, message.Length));
        Assert.Equal(expected, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(field)));
        Assert.True(InternetChecksum.VerifyTransportChecksum(source, destination, protocol, message));

        message[^1] ^= 0x40;
        Assert.False(InternetChecksum.VerifyTransportChecksum(source, destination, protocol, message));
    }

    [Fact]
    public void ICMPOverIPv4HasNoPseudoHeader()
    {
        byte[] message = TestPackets.Icmp(8, 0);
        InternetChecksum.WriteTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Icmp, message);

        Assert.True(InternetChecksum.Verify(message));
        Assert.True(InternetChecksum.VerifyTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Icmp, message));
    }

    [Fact]
    public void AComputedUDPChecksumOfZeroIsSentAsAllOnes()
    {
        byte[] message = TestPackets.Udp(1000, 2000, 2);
        message[8] = 0;
        message[9] = 0;
        InternetChecksum.WriteTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Udp, message);

        // Moving the checksum into the data makes the data sum to all ones, so the next checksum computes to zero.
        message.AsSpan(6, 2).CopyTo(message.AsSpan(8));
        InternetChecksum.WriteTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Udp, message);

        Assert.Equal(0xFFFF, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6)));
        Assert.True(InternetChecksum.VerifyTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Udp, message));
    }

    [Fact]
    public void AZeroUDPChecksumMeansNoneOverIPv4ButIsInvalidOverIPv6()
    {
        byte[] message = TestPackets.Udp(1000, 2000);

        Assert.True(InternetChecksum.VerifyTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Udp, message));
        Assert.False(InternetChecksum.VerifyTransportChecksum(TestPackets.V6Source, TestPackets.V6Destination, IpProtocol.Udp, message));
    }

    [Fact]
    public void TransportHelpersRefuseUnknownProtocolsAndShortMessages()
    {
        Assert.False(InternetChecksum.HasTransportChecksum(IpProtocol.Gre));
        Assert.True(InternetChecksum.HasTransportChecksum(IpProtocol.Icmpv6));
        Assert.Throws<ArgumentException>(() => InternetChecksum.WriteTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Gre, new byte[8]));
        Assert.Throws<ArgumentException>(() => InternetChecksum.WriteTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Tcp, new byte[17]));
        Assert.Throws<ArgumentException>(() => InternetChecksum.VerifyTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Gre, new byte[8]));
    }

    [Fact]
    public void VerifyCallsAReceivedMessageTooShortForItsChecksumWrong()
    {
        Assert.False(InternetChecksum.VerifyTransportChecksum(TestPackets.V4Source, TestPackets.V4Destination, IpProtocol.Tcp, new byte[17]));
        Assert.False(InternetChecksum.VerifyTransportChecksum(TestPackets.V6Source, TestPackets.V6Destination, IpProtocol.Udp, new byte[7]));
    }

    [Fact]
    public void IncrementalUpdateGivesZeroWhereRFC1624SaysEqn2WentWrong()
    {
        // RFC 1624 §4: HC = 0xDD2F, m = 0x5555, m' = 0x3285 must give HC' = 0x0000, not 0xFFFF.
        Assert.Equal(0x0000, InternetChecksum.Update(0xDD2F, (ushort)0x5555, (ushort)0x3285));
    }

    [Fact]
    public void IncrementalUpdateMatchesAFullRecompute()
    {
        Gen.Select(Gen.Byte.Array[20], Gen.Int[0, 9], Gen.UShort).Sample(
            (header, word, value) =>
            {
                header[10] = 0;
                header[11] = 0;
                ushort checksum = InternetChecksum.Compute(header);
                ushort old = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(word * 2));
                if (word == 5)
                {
                    return; // the checksum field itself is not covered data
                }

                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(word * 2), value);
                Assert.True(InternetChecksum.Verify(Patched(header, InternetChecksum.Update(checksum, old, value))));
            },
            iter: 2000);
    }

    [Fact]
    public void IncrementalUpdateOfA32BitAddressMatchesAFullRecompute()
    {
        byte[] header = TestPackets.CapturedIpv4Header();
        var view = new Ipv4Header(header);
        uint oldAddress = view.Source.ToIpv4();
        uint newAddress = IpAddress.Parse("203.0.113.99").ToIpv4();

        ushort updated = InternetChecksum.Update(view.Checksum, oldAddress, newAddress);
        view.Source = IpAddress.FromIpv4(newAddress);

        Assert.Equal(view.ComputeChecksum(), updated);
    }

    [Fact]
    public void FoldAddsCarriesBackIn()
    {
        Assert.Equal(0xFFFF, InternetChecksum.Fold(0xFFFF));
        Assert.Equal(0x0001, InternetChecksum.Fold(0x1_0000));
        Assert.Equal(0xFFFF, InternetChecksum.Fold(ulong.MaxValue));
    }

    private static byte[] Patched(byte[] header, ushort checksum)
    {
        byte[] copy = (byte[])header.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(10), checksum);
        return copy;
    }
}

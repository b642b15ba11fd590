using Netipsec.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

public sealed class EspTrailerTests
{
    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 1)]
    [InlineData(2, 0)]
    [InlineData(3, 3)]
    [InlineData(4, 2)]
    [InlineData(5, 1)]
    [InlineData(6, 0)]
    [InlineData(7, 3)]
    [InlineData(1500, 2)]
    public void Padding_makes_payload_and_trailer_a_multiple_of_4(int payloadLength, int expected)
    {
        Assert.Equal(expected, EspTrailer.PaddingLength(payloadLength, EspTrailer.Alignment(1)));
    }

    [Theory]
    [InlineData(8, 0, 6)]
    [InlineData(8, 6, 0)]
    [InlineData(8, 7, 7)]
    [InlineData(16, 0, 14)]
    [InlineData(16, 14, 0)]
    [InlineData(16, 15, 15)]
    [InlineData(16, 1500, 2)]
    public void Padding_fills_the_last_block_of_a_block_cipher(int blockSize, int payloadLength, int expected)
    {
        int padding = EspTrailer.PaddingLength(payloadLength, EspTrailer.Alignment(blockSize));

        Assert.Equal(expected, padding);
        Assert.Equal(0, (payloadLength + padding + EspTrailer.FixedLength) % blockSize);
    }

    [Fact]
    public void Write_counts_the_padding_up_from_1()
    {
        byte[] trailer = new byte[5];

        EspTrailer.Write(trailer, IpProtocol.Tcp);

        Assert.Equal(new byte[] { 1, 2, 3, 3, 6 }, trailer);
    }

    [Theory]
    [InlineData("0011", 2, IpProtocol.Udp)]
    [InlineData("AABB010104", 3, IpProtocol.IpInIp)]
    [InlineData("01020304050529", 7, IpProtocol.Ipv6)]
    public void Read_returns_the_trailer_length_and_next_header(string hex, int length, IpProtocol next)
    {
        Assert.Equal(TransformStatus.Ok, EspTrailer.Read(Convert.FromHexString(hex), out int trailerLength, out IpProtocol nextHeader));
        Assert.Equal(length, trailerLength);
        Assert.Equal(next, nextHeader);
    }

    [Theory]
    [InlineData("")]
    [InlineData("11")]
    [InlineData("0111")]
    [InlineData("AA0211")]
    [InlineData("01030211")]
    [InlineData("00010211")]
    public void Read_rejects_short_or_misnumbered_padding(string hex)
    {
        Assert.Equal(TransformStatus.Malformed, EspTrailer.Read(Convert.FromHexString(hex), out int trailerLength, out _));
        Assert.Equal(0, trailerLength);
    }
}

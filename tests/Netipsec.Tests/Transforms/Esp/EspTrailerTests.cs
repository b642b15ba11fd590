using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

public sealed class EspTrailerTests
{
    [Theory]
    [MemberData(nameof(EspTestData.FourByteAlignmentPadding), MemberType = typeof(EspTestData))]
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

        EspTrailer.Write(trailer, IpProtocol.Tcp, EspPadding.Sequential);

        Assert.Equal(new byte[] { 1, 2, 3, 3, 6 }, trailer);
    }

    [Theory]
    [InlineData("0011", 2, IpProtocol.Udp)]
    [InlineData("AABB010104", 3, IpProtocol.IpInIp)]
    [InlineData("01020304050529", 7, IpProtocol.Ipv6)]
    public void Read_returns_the_trailer_length_and_next_header(string hex, int length, IpProtocol next)
    {
        Assert.Equal(TransformStatus.Ok, EspTrailer.Read(Convert.FromHexString(hex), EspPadding.Sequential, out int trailerLength, out IpProtocol nextHeader));
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
        Assert.Equal(TransformStatus.Malformed, EspTrailer.Read(Convert.FromHexString(hex), EspPadding.Sequential, out int trailerLength, out _));
        Assert.Equal(0, trailerLength);
    }

    [Fact]
    public void Write_fills_zero_padding_with_zeros()
    {
        byte[] trailer = [.. Enumerable.Repeat((byte)0xEE, 9)];

        EspTrailer.Write(trailer, IpProtocol.Udp, EspPadding.Zero);

        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 7, 17 }, trailer);
    }

    [Fact]
    public void Write_fills_random_padding_with_fresh_bytes_each_time()
    {
        // 32 bytes of padding: two fills agreeing, or one being all 0xEE or 1, 2, 3, ..., has probability 2^-256.
        byte[] first = [.. Enumerable.Repeat((byte)0xEE, 34)];
        byte[] second = [.. Enumerable.Repeat((byte)0xEE, 34)];
        byte[] sequential = [.. Enumerable.Range(1, 32).Select(b => (byte)b)];

        EspTrailer.Write(first, IpProtocol.Tcp, EspPadding.Random);
        EspTrailer.Write(second, IpProtocol.Tcp, EspPadding.Random);

        Assert.Equal(new byte[] { 32, 6 }, first[32..]);
        Assert.Equal(new byte[] { 32, 6 }, second[32..]);
        Assert.NotEqual(first[..32], second[..32]);
        Assert.NotEqual(sequential, first[..32]);
        Assert.Contains(first[..32], b => b != 0xEE);
    }

    [Theory]
    [InlineData("0000000311", 5)]
    [InlineData("AA0111", 3)]
    [InlineData("01030211", 4)]
    [InlineData("55FFFFFFFF0429", 6)]
    [InlineData("0011", 2)]
    public void Read_accepts_any_padding_bytes_when_the_sa_does_not_pad_sequentially(string hex, int length)
    {
        byte[] plaintext = Convert.FromHexString(hex);
        foreach (EspPadding padding in new[] { EspPadding.Zero, EspPadding.Random })
        {
            Assert.Equal(TransformStatus.Ok, EspTrailer.Read(plaintext, padding, out int trailerLength, out IpProtocol nextHeader));
            Assert.Equal((length, (IpProtocol)plaintext[^1]), (trailerLength, nextHeader));
        }
    }

    [Theory]
    [InlineData(EspPadding.Zero, "")]
    [InlineData(EspPadding.Zero, "11")]
    [InlineData(EspPadding.Zero, "000311")]
    [InlineData(EspPadding.Random, "AAFF11")]
    public void Read_still_checks_the_pad_length_whatever_the_padding(EspPadding padding, string hex)
    {
        Assert.Equal(TransformStatus.Malformed, EspTrailer.Read(Convert.FromHexString(hex), padding, out int trailerLength, out _));
        Assert.Equal(0, trailerLength);
    }

    [Theory]
    [InlineData(EspPadding.Sequential)]
    [InlineData(EspPadding.Zero)]
    [InlineData(EspPadding.Random)]
    public void What_write_produces_read_accepts(EspPadding padding)
    {
        for (int length = 2; length <= 257; length++)
        {
            byte[] trailer = new byte[length];
            EspTrailer.Write(trailer, IpProtocol.Ipv6, padding);

            Assert.Equal(TransformStatus.Ok, EspTrailer.Read(trailer, padding, out int trailerLength, out IpProtocol nextHeader));
            Assert.Equal((length, IpProtocol.Ipv6), (trailerLength, nextHeader));
        }
    }
}

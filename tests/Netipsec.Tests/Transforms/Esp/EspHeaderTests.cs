using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

public sealed class EspHeaderTests
{
    [Fact]
    public void Fields_sit_at_their_rfc_offsets_in_network_byte_order()
    {
        byte[] bytes = new byte[20];
        Assert.True(EspHeader.TryCreate(bytes, 8, out EspHeader header));

        header.Spi = 0x01020304;
        header.SequenceNumber = 0x05060708;
        Convert.FromHexString("090A0B0C0D0E0F10").CopyTo(header.Iv);

        Assert.Equal(Convert.FromHexString("0102030405060708090A0B0C0D0E0F10" + "00000000"), bytes);
        Assert.Equal(0x01020304u, header.Spi);
        Assert.Equal(0x05060708u, header.SequenceNumber);
        Assert.Equal(16, header.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(16)]
    public void A_view_needs_spi_sequence_and_the_whole_iv(int ivLength)
    {
        Assert.False(EspHeader.TryCreate(new byte[7 + ivLength], ivLength, out _));
        Assert.True(EspHeader.TryCreate(new byte[8 + ivLength + 4], ivLength, out EspHeader header));
        Assert.Equal(8 + ivLength, header.Length);
        Assert.Equal(ivLength, header.Iv.Length);
    }
}

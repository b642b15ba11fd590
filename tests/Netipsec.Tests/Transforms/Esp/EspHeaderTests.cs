using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

public sealed class EspHeaderTests
{
    [Fact]
    public void Fields_sit_at_their_rfc_offsets_in_network_byte_order()
    {
        byte[] bytes = new byte[20];
        Assert.True(EspHeader.TryCreate(bytes, out EspHeader header));

        header.Spi = 0x01020304;
        header.SequenceNumber = 0x05060708;
        header.Iv = 0x090A0B0C0D0E0F10;

        Assert.Equal(Convert.FromHexString("0102030405060708090A0B0C0D0E0F10" + "00000000"), bytes);
        Assert.Equal(0x01020304u, header.Spi);
        Assert.Equal(0x05060708u, header.SequenceNumber);
        Assert.Equal(0x090A0B0C0D0E0F10ul, header.Iv);
        Assert.Equal(bytes[8..16], header.IvBytes.ToArray());
    }

    [Fact]
    public void A_view_needs_all_16_bytes()
    {
        Assert.False(EspHeader.TryCreate(new byte[15], out _));
        Assert.True(EspHeader.TryCreate(new byte[16], out _));
    }
}

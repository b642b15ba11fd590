using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;
using Netipsec.Transforms.Modes;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>
/// RFC 7634 Appendix A: an ICMP echo from 198.51.100.5 to 192.0.2.5 in an ESP tunnel from 203.0.113.153 to
/// 203.0.113.5 with ChaCha20-Poly1305, SPI 0x01020304, sequence number 5 and IV 10 11 .. 17; checked byte for byte
/// through the tunnel mode and the transform, and back.
/// </summary>
public sealed class EspChaCha20Poly1305KnownAnswerTests
{
    private const byte ChaCha20Poly1305 = 250;
    private const uint Spi = 0x01020304;
    private const ulong Sequence = 5;
    private const ulong Iv = 0x1011121314151617;

    // 256-bit key 80 81 .. 9f followed by the 32-bit salt a0 a1 a2 a3 (RFC 7634 §2: KEYMAT is key || salt).
    private static readonly byte[] KeyMaterial = [.. Enumerable.Range(0x80, 36).Select(b => (byte)b)];

    private static readonly byte[] InnerPacket = Convert.FromHexString(
        "45000054a6f200004001e778c6336405c0000205" + "08005b7a3a080000553bec100007362708090a0b0c0d0e0f1011121314151617"
        + "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637");

    private static readonly byte[] EspPacket = Convert.FromHexString(
        "0102030400000005" + "1011121314151617"
        + "24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c614ee8099d52844eb61aa95dfab4c02f72aa71e7c"
        + "4c4f64c9befe2facc638e8f3cbec163fac469b502773f6fb94e664da9165b82829f641e0"
        + "76aaa8266b7fb0f7b11b369907e1ad43");

    private static readonly IpAddress Source = IpAddress.Parse("203.0.113.153");
    private static readonly IpAddress Destination = IpAddress.Parse("203.0.113.5");

    private readonly PacketPool _pool = new(capacity: 4, diagnostics: true);

    [Fact]
    public void Tunnel_output_produces_the_appendix_esp_packet()
    {
        var transform = new EspTransform(Iv);
        SecurityAssociation sa = PreparedSa(transform);
        Packet packet = _pool.Rent();
        InnerPacket.CopyTo(packet.Put(InnerPacket.Length));

        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, transform.HeaderLength(sa), transform.TrailerLength(sa, packet.Length)));
        Assert.Equal(TransformStatus.Ok, transform.Output(sa, packet, Sequence));
        Assert.Equal(ModeStatus.Ok, XfrmModes.FinishOutput(sa, packet));

        Assert.Equal(EspPacket, packet.Data[Ipv4Header.MinLength..].ToArray());
        var outer = new Ipv4Header(packet.Data);
        Assert.Equal((Source, Destination, IpProtocol.Esp), (outer.Source, outer.Destination, outer.Protocol));
        Assert.Equal(Ipv4Header.MinLength + EspPacket.Length, outer.TotalLength);
        _pool.Return(packet);
    }

    [Fact]
    public void Input_of_the_appendix_packet_gives_back_the_icmp_packet()
    {
        SecurityAssociation sa = PreparedSa(EspTransform.Instance);
        Packet packet = EspTestData.InputLayout(_pool, OuterHeader(), EspPacket, Ipv4Header.ProtocolOffset);

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(sa, packet, 0));
        Assert.Equal(IpProtocol.IpInIp, packet.InnerProtocol);
        Assert.Equal(ModeStatus.Ok, XfrmModes.Input(sa, packet));

        Assert.Equal(InnerPacket, packet.Data.ToArray());
        _pool.Return(packet);
    }

    [Fact]
    public void A_changed_tag_byte_fails_integrity()
    {
        SecurityAssociation sa = PreparedSa(EspTransform.Instance);
        byte[] forged = (byte[])EspPacket.Clone();
        forged[^1] ^= 0x01;
        Packet packet = EspTestData.InputLayout(_pool, OuterHeader(), forged, Ipv4Header.ProtocolOffset);

        Assert.Equal(TransformStatus.IntegrityFailed, EspTransform.Instance.Input(sa, packet, 0));
        _pool.Return(packet);
    }

    private static SecurityAssociation PreparedSa(EspTransform transform)
    {
        var sa = new SecurityAssociation(new SaId(Destination, Spi, IpsecProtocol.Esp), Source, XfrmMode.Tunnel)
        {
            Encryption = new SaAlgorithm(ChaCha20Poly1305, KeyMaterial),
            ReplayWindowSize = 64,
        };
        Assert.Equal(TransformStatus.Ok, transform.Init(sa));
        return sa;
    }

    private static byte[] OuterHeader()
    {
        byte[] header = new byte[Ipv4Header.MinLength];
        _ = new Ipv4Header(header)
        {
            Version = 4,
            HeaderLength = Ipv4Header.MinLength,
            TotalLength = (ushort)(Ipv4Header.MinLength + EspPacket.Length),
            TimeToLive = 64,
            Protocol = IpProtocol.Esp,
            Source = Source,
            Destination = Destination,
        };
        new Ipv4Header(header).UpdateChecksum();
        return header;
    }
}

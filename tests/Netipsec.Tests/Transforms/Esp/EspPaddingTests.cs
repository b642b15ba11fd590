using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>
/// The SA's padding mode (setkey -f seq-pad / zero-pad / random-pad): what Output writes into the ESP padding, and
/// which padding Input accepts (RFC 4303 §2.4: only the default 1, 2, 3, ... can be checked).
/// </summary>
public sealed class EspPaddingTests
{
    // A 7-byte payload with AES-GCM (4-byte alignment) needs 3 bytes of padding: -(7 + 2) mod 4.
    private const int PayloadLength = 7;
    private const int PaddingLength = 3;

    private static readonly byte[] Key = EspTestData.KeyMaterial(16);
    private static readonly byte[] Ipv4Header = TestPackets.Ipv4(IpProtocol.Esp, [])[..20];

    private readonly PacketPool _pool = new(capacity: 8, diagnostics: true);

    [Theory]
    [InlineData(EspPadding.Sequential, new byte[] { 1, 2, 3 })]
    [InlineData(EspPadding.Zero, new byte[] { 0, 0, 0 })]
    public void Output_writes_the_padding_the_sa_asks_for(EspPadding padding, byte[] expected)
    {
        byte[] trailer = SealAndOpenTrailer(EspTestData.PreparedSa(keyMaterial: Key, padding: padding), sequence: 1);

        Assert.Equal([.. expected, PaddingLength, (byte)IpProtocol.Udp], trailer);
    }

    [Fact]
    public void Output_writes_fresh_random_padding_into_every_packet()
    {
        SecurityAssociation sa = EspTestData.PreparedSa(keyMaterial: Key, padding: EspPadding.Random);
        var paddings = new HashSet<int>();
        for (uint sequence = 1; sequence <= 64; sequence++)
        {
            byte[] trailer = SealAndOpenTrailer(sa, sequence);
            Assert.Equal(new byte[] { PaddingLength, (byte)IpProtocol.Udp }, trailer[PaddingLength..]);
            paddings.Add(trailer[0] << 16 | trailer[1] << 8 | trailer[2]);
        }

        // 64 draws of 24 random bits: fewer than 60 distinct values (or 1, 2, 3 every time) is vanishingly unlikely.
        Assert.True(paddings.Count >= 60, $"{paddings.Count} distinct paddings in 64 packets");
    }

    [Theory]
    [InlineData(EspPadding.Sequential, new byte[] { 0, 0, 2, 17 }, TransformStatus.Malformed)]
    [InlineData(EspPadding.Sequential, new byte[] { 0xA7, 0x3C, 2, 17 }, TransformStatus.Malformed)]
    [InlineData(EspPadding.Sequential, new byte[] { 1, 2, 2, 17 }, TransformStatus.Ok)]
    [InlineData(EspPadding.Zero, new byte[] { 0, 0, 2, 17 }, TransformStatus.Ok)]
    [InlineData(EspPadding.Zero, new byte[] { 0xA7, 0x3C, 2, 17 }, TransformStatus.Ok)]
    [InlineData(EspPadding.Zero, new byte[] { 1, 2, 2, 17 }, TransformStatus.Ok)]
    [InlineData(EspPadding.Random, new byte[] { 0, 0, 2, 17 }, TransformStatus.Ok)]
    [InlineData(EspPadding.Random, new byte[] { 0xA7, 0x3C, 2, 17 }, TransformStatus.Ok)]
    [InlineData(EspPadding.Random, new byte[] { 1, 2, 2, 17 }, TransformStatus.Ok)]
    [InlineData(EspPadding.Zero, new byte[] { 200, 17 }, TransformStatus.Malformed)]
    [InlineData(EspPadding.Random, new byte[] { 0, 0, 30, 17 }, TransformStatus.Malformed)]
    public void Input_checks_the_padding_pattern_only_for_sequential_sas_and_the_pad_length_always(
        EspPadding padding, byte[] trailer, TransformStatus expected)
    {
        SecurityAssociation sa = EspTestData.PreparedSa(keyMaterial: Key, padding: padding);
        byte[] payload = EspTestData.Payload(10);
        byte[] esp = EspTestData.SealByHand(Key, EspTestData.Spi, 1, 0x55, [.. payload, .. trailer]);
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, esp, 9);

        Assert.Equal(expected, EspTransform.Instance.Input(sa, packet, 0));
        if (expected == TransformStatus.Ok)
        {
            Assert.Equal([.. Ipv4Header, .. payload], packet.Data.ToArray());
            Assert.Equal(IpProtocol.Udp, packet.InnerProtocol);
        }
    }

    [Theory]
    [InlineData(EspPadding.Sequential)]
    [InlineData(EspPadding.Zero)]
    [InlineData(EspPadding.Random)]
    public void A_receiver_configured_like_the_sender_takes_every_packet_length(EspPadding padding)
    {
        SecurityAssociation sender = EspTestData.PreparedSa(keyMaterial: Key, padding: padding);
        SecurityAssociation receiver = EspTestData.PreparedSa(keyMaterial: Key, padding: padding);
        for (int length = 0; length < 8; length++)
        {
            byte[] payload = EspTestData.Payload(length);
            Packet packet = EspTestData.Ipv4Transport(_pool, payload);
            Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sender, packet, (ulong)length + 1));

            Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(receiver, packet, 0));
            Assert.Equal(payload, packet.Data[20..].ToArray());
            _pool.Return(packet);
        }
    }

    [Fact]
    public void Init_refuses_a_padding_mode_that_does_not_exist()
    {
        SecurityAssociation sa = EspTestData.Sa(keyMaterial: Key, padding: (EspPadding)7);

        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Init(sa));
        Assert.Null(sa.CryptoEngine);
    }

    /// <summary>Sends a <see cref="PayloadLength"/>-byte payload and returns the decrypted padding, pad length and next header.</summary>
    private byte[] SealAndOpenTrailer(SecurityAssociation sa, uint sequence)
    {
        Packet packet = EspTestData.Ipv4Transport(_pool, EspTestData.Payload(PayloadLength));
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, sequence));
        byte[] plaintext = EspTestData.OpenByHand(Key, packet.Data[20..], sequence);
        _pool.Return(packet);
        return plaintext[PayloadLength..];
    }
}

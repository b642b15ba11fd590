using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>ESP input on forged, damaged, truncated and oddly padded packets.</summary>
public sealed class EspTransformInputTests
{
    private const ulong Sequence = 0x0000_0003_0000_0010;
    private const ulong Iv = 0x1122334455667788;

    private static readonly byte[] Ipv4Header = TestPackets.Ipv4(IpProtocol.Esp, [])[..20];
    private static readonly byte[] Key = EspTestData.KeyMaterial(16);

    private readonly PacketPool _pool = new(capacity: 8, diagnostics: true);

    [Theory]
    [InlineData("spi", 0)]
    [InlineData("sequence number", 4)]
    [InlineData("iv", 8)]
    [InlineData("first ciphertext byte", 16)]
    [InlineData("last ciphertext byte", 16 + 28 - 1)]
    [InlineData("first icv byte", 16 + 28)]
    [InlineData("last icv byte", 16 + 28 + 15)]
    public void A_changed_bit_anywhere_fails_integrity(string region, int offset)
    {
        byte[] esp = Sealed([.. EspTestData.Payload(24), 1, 2, 2, (byte)IpProtocol.Udp]);
        Assert.Equal(16 + 28 + 16, esp.Length);
        esp[offset] ^= 0x01;
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, esp, 9);

        Assert.True(TransformStatus.IntegrityFailed == Input(packet), region);
    }

    [Fact]
    public void The_untampered_packet_verifies()
    {
        byte[] payload = EspTestData.Payload(24);
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, Sealed([.. payload, 1, 2, 2, (byte)IpProtocol.Udp]), 9);

        Assert.Equal(TransformStatus.Ok, Input(packet));
        Assert.Equal([.. Ipv4Header, .. payload], packet.Data.ToArray());
        Assert.Equal(IpProtocol.Udp, packet.InnerProtocol);
    }

    [Fact]
    public void A_wrong_esn_high_half_fails_integrity()
    {
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, Sealed([.. EspTestData.Payload(8), 1, 2, 2, 17]), 9);

        Assert.Equal(TransformStatus.IntegrityFailed, Input(packet, sequenceHigh: 4));
    }

    [Fact]
    public void Without_esn_the_high_half_is_ignored()
    {
        SecurityAssociation sa = EspTestData.PreparedSa(keyMaterial: Key);
        byte[] esp = EspTestData.SealByHand(Key, EspTestData.Spi, Sequence, Iv, [.. EspTestData.Payload(8), 1, 2, 2, 17]);
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, esp, 9);

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(sa, packet, 99));
    }

    [Fact]
    public void A_wrong_key_fails_integrity()
    {
        SecurityAssociation other = EspTestData.PreparedSa(keyMaterial: EspTestData.KeyMaterial(16, first: 0x22), extendedSequenceNumbers: true);
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, Sealed([.. EspTestData.Payload(8), 1, 2, 2, 17]), 9);

        Assert.Equal(TransformStatus.IntegrityFailed, EspTransform.Instance.Input(other, packet, 3));
    }

    [Theory]
    [InlineData("padding 1, 3", new byte[] { 1, 3, 2, 17 })]
    [InlineData("padding 0", new byte[] { 0, 1, 17 })]
    [InlineData("padding 2, 1", new byte[] { 2, 1, 2, 17 })]
    [InlineData("pad length beyond the plaintext", new byte[] { 200, 17 })]
    public void Bad_padding_is_malformed(string reason, byte[] trailer)
    {
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, Sealed([.. EspTestData.Payload(10), .. trailer]), 9);

        Assert.True(TransformStatus.Malformed == Input(packet), reason);
    }

    [Fact]
    public void A_pad_length_that_takes_the_whole_plaintext_is_accepted()
    {
        byte[] padding = [.. Enumerable.Range(1, 6).Select(b => (byte)b)];
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, Sealed([.. padding, 6, (byte)IpProtocol.Tcp]), 9);

        Assert.Equal(TransformStatus.Ok, Input(packet));
        Assert.Equal(Ipv4Header, packet.Data.ToArray());
    }

    [Fact]
    public void The_longest_padding_of_255_bytes_is_accepted()
    {
        byte[] payload = EspTestData.Payload(9);
        byte[] padding = [.. Enumerable.Range(1, 255).Select(b => (byte)b)];
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, Sealed([.. payload, .. padding, 255, (byte)IpProtocol.Udp]), 9);

        Assert.Equal(TransformStatus.Ok, Input(packet));
        Assert.Equal([.. Ipv4Header, .. payload], packet.Data.ToArray());
    }

    [Fact]
    public void Next_header_59_is_a_dummy_packet_without_its_esp_header_and_trailer()
    {
        SecurityAssociation sender = EspTestData.PreparedSa(keyMaterial: Key);
        SecurityAssociation receiver = EspTestData.PreparedSa(keyMaterial: Key);
        Packet packet = EspTestData.Ipv4Transport(_pool, EspTestData.Payload(30));
        packet.InnerProtocol = IpProtocol.NoNextHeader;
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sender, packet, 1));

        Assert.Equal(TransformStatus.Dummy, EspTransform.Instance.Input(receiver, packet, 0));
        // Laid out as any packet, so the lifetime counts it at the same length.
        Assert.Equal(Ipv4Header.Length + 30, packet.Length);
        Assert.Equal(EspTestData.Payload(30), packet.Data[Ipv4Header.Length..].ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(16 + 16)]
    [InlineData(16 + 1 + 16)]
    public void Truncated_packets_are_malformed(int espLength)
    {
        byte[] esp = Sealed([.. EspTestData.Payload(8), 1, 2, 2, 17]);
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, esp.AsSpan(0, espLength), 9);

        Assert.Equal(TransformStatus.Malformed, Input(packet));
        Assert.Equal(20 + espLength, packet.Length);
    }

    [Fact]
    public void The_shortest_well_formed_length_reaches_the_icv_check()
    {
        // 16 header bytes, the 2 bytes pad length and next header, 16 bytes of ICV: long enough to be verified.
        byte[] esp = Sealed([.. EspTestData.Payload(8), 1, 2, 2, 17]);
        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, esp.AsSpan(0, 16 + 2 + 16), 9);

        Assert.Equal(TransformStatus.IntegrityFailed, Input(packet));
    }

    [Fact]
    public void A_packet_without_a_transport_mark_is_malformed()
    {
        Packet packet = _pool.Rent();
        Sealed([.. EspTestData.Payload(8), 1, 2, 2, 17]).CopyTo(packet.Put(60));

        Assert.Equal(TransformStatus.Malformed, Input(packet));
    }

    [Fact]
    public void Icv12_packets_verify_and_a_short_icv12_packet_is_malformed()
    {
        SecurityAssociation sa = EspTestData.PreparedSa(algorithm: EspTransform.AesGcmIcv12, keyMaterial: Key);
        byte[] payload = EspTestData.Payload(12);
        byte[] esp = EspTestData.SealByHand(Key, EspTestData.Spi, 1, Iv, [.. payload, 1, 2, 2, 17], icvLength: 12);

        Packet packet = EspTestData.InputLayout(_pool, Ipv4Header, esp, 9);
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(sa, packet, 0));
        Assert.Equal(payload, packet.Data[20..].ToArray());

        Packet shortPacket = EspTestData.InputLayout(_pool, Ipv4Header, esp.AsSpan(0, 16 + 1 + 12), 9);
        Assert.Equal(TransformStatus.Malformed, EspTransform.Instance.Input(sa, shortPacket, 0));
    }

    private static byte[] Sealed(byte[] plaintext) =>
        EspTestData.SealByHand(Key, EspTestData.Spi, Sequence, Iv, plaintext, extendedSequenceNumbers: true);

    private static TransformStatus Input(Packet packet, uint sequenceHigh = (uint)(Sequence >> 32)) =>
        EspTransform.Instance.Input(EspTestData.PreparedSa(keyMaterial: Key, extendedSequenceNumbers: true), packet, sequenceHigh);
}

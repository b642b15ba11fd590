using System.Buffers.Binary;
using Netipsec.Crypto;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>Every ESP algorithm suite through Output and Input: layout, padding, tampering, ESN and key ownership.</summary>
public sealed class EspTransformSuiteTests
{
    private const int Ipv4HeaderLength = 20;

    private readonly PacketPool _pool = new(capacity: 8, diagnostics: true);

    public static TheoryData<string> Suites => new(EspSuite.All.Select(s => s.Name));

    public static TheoryData<string> IntegritySuites => new(EspSuite.WithIntegrity.Select(s => s.Name));

    [Fact]
    public void The_suite_list_covers_every_aead_cipher_and_integrity_algorithm_of_the_task()
    {
        Assert.Equal(8 + (5 * 6) + 4, EspSuite.All.Count);
        Assert.All(EspSuite.All, s => Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Init(s.Sa())));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Round_trip_recovers_the_payload_with_the_algorithms_layout(string name)
    {
        EspSuite suite = Get(name);
        foreach (int payloadLength in new[] { 1, 40, 333 })
        {
            SecurityAssociation sender = Prepared(suite);
            SecurityAssociation receiver = Prepared(suite);
            byte[] payload = EspTestData.Payload(payloadLength);
            int expectedTrailer = EspTransform.Instance.TrailerLength(suite.Sa(), payloadLength);
            Packet packet = Layout(suite, payload);

            Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sender, packet, 7));

            int ivLength = suite.EncryptionInfo.IvLength;
            int encryptedLength = packet.Length - Ipv4HeaderLength - 8 - ivLength - suite.IcvLength;
            Assert.Equal(8 + ivLength, EspTransform.Instance.HeaderLength(sender));
            Assert.Equal(Ipv4HeaderLength + 8 + ivLength + payloadLength + expectedTrailer, packet.Length);
            Assert.Equal(0, encryptedLength % suite.Alignment);
            Assert.InRange(encryptedLength - payloadLength - 2, 0, suite.Alignment - 1); // the least padding that aligns
            Assert.Equal((byte)IpProtocol.Esp, packet.Data[9]);

            Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(receiver, packet, 0));
            Assert.Equal(payload, packet.Data[Ipv4HeaderLength..].ToArray());
            Assert.Equal(IpProtocol.Udp, packet.InnerProtocol);
            _pool.Return(packet);
        }
    }

    [Theory]
    [MemberData(nameof(IntegritySuites))]
    public void Every_flipped_byte_of_the_esp_packet_fails_the_integrity_check(string name)
    {
        EspSuite suite = Get(name);
        SecurityAssociation receiver = Prepared(suite);
        byte[] sent = Protect(suite, EspTestData.Payload(24), 5);

        for (int i = Ipv4HeaderLength; i < sent.Length; i++)
        {
            byte[] tampered = (byte[])sent.Clone();
            tampered[i] ^= 0x04;
            Packet packet = EspTestData.InputLayout(_pool, tampered[..Ipv4HeaderLength], tampered.AsSpan(Ipv4HeaderLength), 9);

            Assert.Equal(TransformStatus.IntegrityFailed, EspTransform.Instance.Input(receiver, packet, 0));
            _pool.Return(packet);
        }
    }

    [Theory]
    [InlineData(EspSuite.AesCbc, 16)]
    [InlineData(EspSuite.TripleDesCbc, 24)]
    [InlineData(EspSuite.AesCtr, 20)]
    public void The_icv_is_checked_before_anything_is_decrypted(byte cipher, int keyLength)
    {
        var suite = new EspSuite("cipher+hmac-sha256", cipher, keyLength, EspSuite.HmacSha256, 32);
        var engine = new RecordingCryptoEngine();
        var transform = new EspTransform([engine]);
        SecurityAssociation receiver = suite.Sa();
        Assert.Equal(TransformStatus.Ok, transform.Init(receiver));
        byte[] sent = Protect(suite, EspTestData.Payload(40), 1);
        // The last byte before the ICV: in CBC it garbles the decrypted pad length and next header, so a receiver
        // decrypting first would report bad padding.
        sent[^(suite.IcvLength + 1)] ^= 0xFF;

        Packet packet = EspTestData.InputLayout(_pool, sent[..Ipv4HeaderLength], sent.AsSpan(Ipv4HeaderLength), 9);

        Assert.Equal(TransformStatus.IntegrityFailed, transform.Input(receiver, packet, 0));
        Assert.Equal(0, engine.CipherKeys.Single().Decryptions);
    }

    [Fact]
    public void Without_integrity_the_same_corruption_reaches_the_decrypted_padding()
    {
        var suite = new EspSuite("aes-cbc", EspSuite.AesCbc, 16);
        SecurityAssociation receiver = Prepared(suite);
        byte[] sent = Protect(suite, EspTestData.Payload(40), 1);
        // CBC XORs the previous ciphertext block into the last one, so flipping the byte above the pad length turns
        // 40 + 2 bytes' pad length of 6 into 249, more than the packet holds, whatever the random key.
        sent[^18] ^= 0xFF;

        Packet packet = EspTestData.InputLayout(_pool, sent[..Ipv4HeaderLength], sent.AsSpan(Ipv4HeaderLength), 9);

        Assert.Equal(TransformStatus.Malformed, EspTransform.Instance.Input(receiver, packet, 0));
    }

    [Fact]
    public void Keys_come_from_the_first_engine_that_supports_the_algorithm()
    {
        var skipped = new RecordingCryptoEngine(supportsNothing: true);
        var chosen = new RecordingCryptoEngine();
        var transform = new EspTransform([skipped, chosen, PortableCryptoEngine.Instance]);
        var suite = new EspSuite("aes-cbc+hmac-sha1", EspSuite.AesCbc, 16, EspSuite.HmacSha1, 20);
        SecurityAssociation receiver = suite.Sa();
        Assert.Equal(TransformStatus.Ok, transform.Init(receiver));
        byte[] sent = Protect(suite, EspTestData.Payload(40), 1);

        Packet packet = EspTestData.InputLayout(_pool, sent[..Ipv4HeaderLength], sent.AsSpan(Ipv4HeaderLength), 9);
        Assert.Equal(TransformStatus.Ok, transform.Input(receiver, packet, 0));

        Assert.Empty(skipped.CipherKeys);
        Assert.Equal(1, chosen.CipherKeys.Single().Decryptions);
    }

    [Fact]
    public void Destroy_disposes_the_keys()
    {
        var engine = new RecordingCryptoEngine();
        var transform = new EspTransform([engine]);
        SecurityAssociation sa = new EspSuite("aes-ctr+aes-cmac", EspSuite.AesCtr, 20, EspSuite.AesCmac, 16).Sa();
        Assert.Equal(TransformStatus.Ok, transform.Init(sa));

        transform.Destroy(sa);

        Assert.True(engine.CipherKeys.Single().Disposed);
        Assert.Equal(TransformStatus.Unsupported, transform.Output(sa, EspTestData.Ipv4Transport(_pool, EspTestData.Payload(8)), 1));
        Assert.Equal(TransformStatus.Unsupported, transform.Init(sa));
    }

    [Theory]
    [InlineData(EspSuite.NullCipher, 0, EspSuite.HmacSha256, 32)]
    [InlineData(EspSuite.AesCtr, 20, EspSuite.HmacSha1, 20)]
    [InlineData(EspSuite.AesCbc, 16, EspSuite.AesCmac, 16)]
    public void Esn_high_bits_enter_the_icv_without_going_on_the_wire(byte cipher, int keyLength, byte mac, int macKeyLength)
    {
        var suite = new EspSuite("esn", cipher, keyLength, mac, macKeyLength);
        const ulong low = 0x0000_0000_1234_5678;
        const ulong high = 0x0000_0001_1234_5678;
        byte[] lowPacket = Protect(suite, EspTestData.Payload(32), low, extendedSequenceNumbers: true);
        byte[] highPacket = Protect(suite, EspTestData.Payload(32), high, extendedSequenceNumbers: true);

        // Same SPI and low sequence bits on the wire; the ICVs differ.
        Assert.Equal(lowPacket.AsSpan(Ipv4HeaderLength, 8).ToArray(), highPacket.AsSpan(Ipv4HeaderLength, 8).ToArray());
        Assert.NotEqual(lowPacket[^suite.IcvLength..], highPacket[^suite.IcvLength..]);

        SecurityAssociation receiver = Prepared(suite, extendedSequenceNumbers: true);
        Packet wrongHigh = EspTestData.InputLayout(_pool, highPacket[..Ipv4HeaderLength], highPacket.AsSpan(Ipv4HeaderLength), 9);
        Assert.Equal(TransformStatus.IntegrityFailed, EspTransform.Instance.Input(receiver, wrongHigh, 0));
        Packet rightHigh = EspTestData.InputLayout(_pool, highPacket[..Ipv4HeaderLength], highPacket.AsSpan(Ipv4HeaderLength), 9);
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(receiver, rightHigh, 1));
    }

    [Theory]
    [MemberData(nameof(IntegritySuites))]
    public void With_esn_a_packet_verifies_only_under_its_own_high_bits(string name)
    {
        EspSuite suite = Get(name);
        byte[] sent = Protect(suite, EspTestData.Payload(16), 0x0000_0002_0000_0009, extendedSequenceNumbers: true);
        SecurityAssociation receiver = Prepared(suite, extendedSequenceNumbers: true);

        Packet wrong = EspTestData.InputLayout(_pool, sent[..Ipv4HeaderLength], sent.AsSpan(Ipv4HeaderLength), 9);
        Assert.Equal(TransformStatus.IntegrityFailed, EspTransform.Instance.Input(receiver, wrong, 1));
        Packet right = EspTestData.InputLayout(_pool, sent[..Ipv4HeaderLength], sent.AsSpan(Ipv4HeaderLength), 9);
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(receiver, right, 2));
    }

    [Fact]
    public void Confidentiality_only_esp_carries_no_icv_and_still_hides_the_payload()
    {
        var suite = new EspSuite("aes-cbc", EspSuite.AesCbc, 32);
        byte[] payload = EspTestData.Payload(64);
        byte[] sent = Protect(suite, payload, 3);

        Assert.Equal(Ipv4HeaderLength + 8 + 16 + 64 + 14 + 2, sent.Length); // no ICV
        Assert.DoesNotContain(Convert.ToHexString(payload.AsSpan(8, 32)), Convert.ToHexString(sent), StringComparison.Ordinal);
    }

    [Fact]
    public void Cbc_ivs_are_not_a_counter_and_ctr_ivs_are()
    {
        SecurityAssociation cbc = Prepared(new EspSuite("aes-cbc+hmac-sha1", EspSuite.AesCbc, 16, EspSuite.HmacSha1, 20));
        SecurityAssociation ctr = Prepared(new EspSuite("aes-ctr+hmac-sha1", EspSuite.AesCtr, 20, EspSuite.HmacSha1, 20));

        byte[][] cbcIvs = [.. Enumerable.Range(1, 4).Select(i => OutputIv(cbc, 16))];
        byte[][] ctrIvs = [.. Enumerable.Range(1, 4).Select(i => OutputIv(ctr, 8))];

        Assert.Equal(4, cbcIvs.Select(Convert.ToHexString).Distinct().Count());
        Assert.DoesNotContain(cbcIvs, iv => iv.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0); // not a small counter
        Assert.Equal([0UL, 1, 2, 3], ctrIvs.Select(iv => BinaryPrimitives.ReadUInt64BigEndian(iv)));
    }

    [Fact]
    public void A_cbc_packet_that_is_not_whole_blocks_is_malformed()
    {
        var suite = new EspSuite("aes-cbc+hmac-sha1", EspSuite.AesCbc, 16, EspSuite.HmacSha1, 20);
        byte[] sent = Protect(suite, EspTestData.Payload(40), 1);
        byte[] shortened = [.. sent[..^(suite.IcvLength + 4)], .. sent[^suite.IcvLength..]];

        Packet packet = EspTestData.InputLayout(_pool, shortened[..Ipv4HeaderLength], shortened.AsSpan(Ipv4HeaderLength), 9);

        Assert.Equal(TransformStatus.Malformed, EspTransform.Instance.Input(Prepared(suite), packet, 0));
    }

    [Theory]
    [InlineData(EspSuite.NullCipher, 0, null, 0)] // protects nothing (RFC 4303 §3.2)
    [InlineData(EspSuite.NullCipher, 0, EspSuite.NullIntegrity, 0)]
    [InlineData(EspSuite.AesGcm16, 20, EspSuite.HmacSha1, 20)] // an AEAD takes no integrity algorithm
    [InlineData(EspSuite.AesCbc, 16, (byte)249, 20)] // AES-GMAC as integrity is AH's
    [InlineData(EspSuite.AesCbc, 16, (byte)9, 16)] // AES-XCBC-MAC: no engine supports it
    [InlineData(EspSuite.AesCbc, 16, EspSuite.HmacSha1, 16)] // wrong HMAC-SHA1 key length
    [InlineData(EspSuite.AesCbc, 20, EspSuite.HmacSha1, 20)] // wrong AES key length
    [InlineData(EspSuite.AesCbc, 16, (byte)200, 20)] // unknown integrity id
    public void Init_refuses_suites_that_cannot_or_must_not_run(byte encryption, int keyLength, byte? authentication, int authenticationKeyLength)
    {
        SecurityAssociation sa = new EspSuite("refused", encryption, keyLength, authentication, authenticationKeyLength).Sa();

        Assert.Equal(TransformStatus.Unsupported, EspTransform.Instance.Init(sa));
        Assert.Null(sa.TypeState);
    }

    [Fact]
    public void Null_encryption_with_integrity_sends_the_payload_in_clear_and_authenticated()
    {
        var suite = new EspSuite("null+hmac-sha256", EspSuite.NullCipher, 0, EspSuite.HmacSha256, 32);
        byte[] payload = EspTestData.Payload(28);
        byte[] sent = Protect(suite, payload, 1);

        Assert.Equal(payload, sent.AsSpan(Ipv4HeaderLength + 8, 28).ToArray());
        Assert.Equal(new byte[] { 1, 2, 2, (byte)IpProtocol.Udp }, sent.AsSpan(Ipv4HeaderLength + 8 + 28, 4).ToArray());
    }

    [Fact]
    public void Gmac_authenticates_but_does_not_encrypt()
    {
        var suite = new EspSuite("null-aes-gmac", EspSuite.NullAesGmac, 20);
        byte[] payload = EspTestData.Payload(30);
        byte[] sent = Protect(suite, payload, 1);

        Assert.Equal(payload, sent.AsSpan(Ipv4HeaderLength + 8 + 8, 30).ToArray());
        Assert.Equal(16, sent.Length - (Ipv4HeaderLength + 8 + 8 + 32));
    }

    [Theory]
    [InlineData("aes-cbc/128+hmac-sha256")]
    [InlineData("aes-ctr/192+hmac-sha1")]
    [InlineData("3des-cbc+hmac-sha512")]
    [InlineData("aes-cbc/256 (confidentiality only)")]
    [InlineData("chacha20-poly1305")]
    [InlineData("null-aes-gmac/128")]
    public void Output_and_input_allocate_nothing_per_packet_with_engine_keys_that_do_not(string name)
    {
        // AES-CCM and AES-CMAC are left out: their portable engine keys allocate per call (known, see IAeadKey).
        EspSuite suite = Get(name);
        SecurityAssociation sender = Prepared(suite, extendedSequenceNumbers: true);
        SecurityAssociation receiver = Prepared(suite, extendedSequenceNumbers: true);
        int headerLength = EspTransform.Instance.HeaderLength(sender);
        Packet packet = Layout(suite, EspTestData.Payload(1200));
        for (int i = 0; i < 50; i++)
        {
            RoundTrip(packet, i);
        }

        int sequence = 50;
        Assert.Equal(0, SteadyState.AllocatedBytes(_ => RoundTrip(packet, sequence++)));

        void RoundTrip(Packet p, int i)
        {
            if (EspTransform.Instance.Output(sender, p, (ulong)i + 1) != TransformStatus.Ok
                || EspTransform.Instance.Input(receiver, p, 0) != TransformStatus.Ok)
            {
                Assert.Fail("round trip failed");
            }

            p.MakeSpace(Ipv4HeaderLength, headerLength);
            p.SetTransportHeader(Ipv4HeaderLength);
        }
    }

    private static EspSuite Get(string name) => EspSuite.All.Single(s => s.Name == name);

    private static SecurityAssociation Prepared(EspSuite suite, bool extendedSequenceNumbers = false)
    {
        SecurityAssociation sa = suite.Sa(extendedSequenceNumbers);
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Init(sa));
        return sa;
    }

    private Packet Layout(EspSuite suite, byte[] payload)
    {
        int gap = 8 + suite.EncryptionInfo.IvLength;
        Packet packet = EspTestData.Ipv4Transport(_pool, payload);
        // EspTestData lays out a 16-byte gap (AEAD header); move the payload to the suite's header length.
        if (gap != EspTestData.GapLength)
        {
            byte[] headers = packet.Data[..Ipv4HeaderLength].ToArray();
            _pool.Return(packet);
            packet = _pool.Rent();
            Span<byte> data = packet.Put(Ipv4HeaderLength + gap + payload.Length);
            headers.CopyTo(data);
            payload.CopyTo(data[(Ipv4HeaderLength + gap)..]);
            packet.SetNetworkHeader(0);
            packet.SetTransportHeader(Ipv4HeaderLength);
            packet.InnerProtocol = IpProtocol.Udp;
            packet.NextHeaderFieldOffset = Ipv4Header.ProtocolOffset;
        }

        return packet;
    }

    /// <summary>Protects <paramref name="payload"/> on a fresh SA of <paramref name="suite"/> and returns IPv4 header || ESP packet.</summary>
    private byte[] Protect(EspSuite suite, byte[] payload, ulong sequence, bool extendedSequenceNumbers = false)
    {
        SecurityAssociation sender = Prepared(suite, extendedSequenceNumbers);
        Packet packet = Layout(suite, payload);
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sender, packet, sequence));
        byte[] bytes = packet.Data.ToArray();
        _pool.Return(packet);
        return bytes;
    }

    private byte[] OutputIv(SecurityAssociation sa, int ivLength)
    {
        EspSuite suite = EspSuite.All.First(s => s.Encryption == sa.Encryption!.Id && s.Authentication == sa.Authentication?.Id);
        Packet packet = Layout(suite, EspTestData.Payload(8));
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, 1));
        byte[] iv = packet.Data.Slice(Ipv4HeaderLength + 8, ivLength).ToArray();
        _pool.Return(packet);
        return iv;
    }
}

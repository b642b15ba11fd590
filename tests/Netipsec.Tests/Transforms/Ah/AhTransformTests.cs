using System.Buffers.Binary;
using System.Security.Cryptography;
using Netipsec.Crypto;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Ah;
using static Netipsec.Tests.Transforms.Ah.AhTestData;

namespace Netipsec.Tests.Transforms.Ah;

/// <summary>AH output, input and round trips through the real modes.</summary>
public sealed class AhTransformTests
{
    private const int Ipv4HeaderLength = 20;
    private const int Ipv6HeaderLength = 40;

    [Fact]
    public void Describes_itself_as_ah_and_appends_nothing()
    {
        SecurityAssociation sa = Sa();
        Assert.Equal(IpsecProtocol.Ah, AhTransform.Instance.Protocol);
        Assert.Equal(0, AhTransform.Instance.TrailerLength(sa, 1000));
        Assert.Same(AhTransform.Instance, XfrmTypeRegistry.CreateDefault().Get(IpsecProtocol.Ah));
    }

    [Theory]
    [InlineData(HmacSha1, 20, 24, 24)]
    [InlineData(HmacMd5, 16, 24, 24)]
    [InlineData(HmacSha256, 32, 28, 32)]
    [InlineData(HmacSha384, 48, 36, 40)]
    [InlineData(HmacSha512, 64, 44, 48)]
    [InlineData(AesCmac, 16, 24, 24)]
    [InlineData(AesGmac, 20, 36, 40)]
    public void Header_is_padded_to_4_bytes_for_ipv4_and_8_for_ipv6(byte algorithm, int keyLength, int ipv4Length, int ipv6Length)
    {
        Assert.Equal(ipv4Length, AhTransform.Instance.HeaderLength(Sa(algorithm, keyLength, IpVersion.V4)));
        Assert.Equal(ipv6Length, AhTransform.Instance.HeaderLength(Sa(algorithm, keyLength, IpVersion.V6)));
        Assert.Equal(ipv6Length, AhTransform.Instance.HeaderLength(PreparedSa(algorithm, keyLength, IpVersion.V6)));
    }

    [Fact]
    public void Output_writes_the_header_names_ah_and_keeps_the_ip_header_fields()
    {
        SecurityAssociation sa = PreparedSa(HmacSha256, version: IpVersion.V6);
        byte[] original = Ipv6();
        original[1] = 0xAB; // traffic class / flow label bits, zeroed only inside the ICV computation
        byte[] wire = Protect(sa, original, sequence: 0x0102_0304);

        const int AhLength = 32;
        Assert.Equal(original.Length + AhLength, wire.Length);
        Assert.Equal((byte)IpProtocol.Ah, wire[6]);
        Assert.Equal(original.Length - Ipv6HeaderLength + AhLength, BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(4)));
        Assert.Equal(original[..4], wire[..4]);
        Assert.Equal(original[7], wire[7]);
        ReadOnlySpan<byte> ah = wire.AsSpan(Ipv6HeaderLength, AhLength);
        Assert.Equal((byte)IpProtocol.Udp, ah[0]);
        Assert.Equal(AhLength / 4 - 2, ah[1]);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(ah[2..]));
        Assert.Equal(Spi, BinaryPrimitives.ReadUInt32BigEndian(ah[4..]));
        Assert.Equal(0x0102_0304u, BinaryPrimitives.ReadUInt32BigEndian(ah[8..]));
        Assert.True(ah[28..].SequenceEqual(new byte[4]), "padding goes out as zeros");
        Assert.Equal(original[Ipv6HeaderLength..], wire[(Ipv6HeaderLength + AhLength)..]);
    }

    [Fact]
    public void Icv_covers_the_ipv4_header_with_mutable_fields_zeroed_the_header_and_the_payload()
    {
        SecurityAssociation sa = PreparedSa(HmacSha256);
        byte[] wire = Protect(sa, Ipv4());

        // The ICV by hand: copy, zero TOS, flags/fragment, TTL, checksum and the ICV field, HMAC-SHA-256 truncated to 16.
        byte[] input = [.. wire];
        input[1] = 0;
        input[6] = input[7] = input[8] = 0;
        input[10] = input[11] = 0;
        input.AsSpan(Ipv4HeaderLength + 12, 16).Clear();
        byte[] expected = HMACSHA256.HashData(Key(32), input)[..16];
        Assert.Equal(expected, wire[(Ipv4HeaderLength + 12)..(Ipv4HeaderLength + 28)]);
        Assert.True(new Ipv4Header(wire).VerifyChecksum());
        Assert.Equal(64, wire[8]);
    }

    [Fact]
    public void Gmac_icv_is_the_gcm_tag_of_the_whole_packet_as_aad_with_the_iv_after_the_sequence_number()
    {
        var transform = new AhTransform([PortableCryptoEngine.Instance], firstIv: 0x1122_3344_5566_7788);
        SecurityAssociation sa = PreparedSa(AesGmac, 20, transform: transform);
        byte[] wire = Protect(sa, Ipv4(), transform: transform);

        ReadOnlySpan<byte> ah = wire.AsSpan(Ipv4HeaderLength);
        Assert.Equal(0x1122_3344_5566_7788ul, BinaryPrimitives.ReadUInt64BigEndian(ah[12..]));
        byte[] aad = [.. wire];
        aad[1] = 0;
        aad[6] = aad[7] = aad[8] = 0;
        aad[10] = aad[11] = 0;
        aad.AsSpan(Ipv4HeaderLength + 20, 16).Clear();
        byte[] key = Key(20);
        byte[] nonce = [.. key.AsSpan(16), .. ah[12..20]];
        byte[] tag = new byte[16];
        using (var gcm = new AesGcm(key.AsSpan(0, 16), 16))
        {
            gcm.Encrypt(nonce, Array.Empty<byte>(), Array.Empty<byte>(), tag, aad);
        }

        Assert.Equal(tag, ah[20..36].ToArray());
    }

    public static TheoryData<byte, int> AllAlgorithms => Algorithms;

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Every_algorithm_round_trips_in_both_modes_and_families(byte algorithm, int keyLength)
    {
        foreach (IpVersion version in new[] { IpVersion.V4, IpVersion.V6 })
        {
            foreach (XfrmMode mode in new[] { XfrmMode.Transport, XfrmMode.Tunnel })
            {
                SecurityAssociation sender = PreparedSa(algorithm, keyLength, version, mode);
                SecurityAssociation receiver = PreparedSa(algorithm, keyLength, version, mode);
                byte[] original = version == IpVersion.V4 ? Ipv4() : Ipv6();
                byte[] wire = Protect(sender, original, sequence: 7);

                Assert.Equal(TransformStatus.Ok, Receive(receiver, wire, out byte[] recovered));
                Assert.Equal(original, recovered);

                wire[^1] ^= 1;
                Assert.Equal(TransformStatus.IntegrityFailed, Receive(receiver, wire, out _));
            }
        }
    }

    [Theory]
    [InlineData(IpVersion.V4)]
    [InlineData(IpVersion.V6)]
    public void Tampering_with_address_icv_sequence_or_next_header_fails(IpVersion version)
    {
        SecurityAssociation sa = PreparedSa(HmacSha1, 20, version);
        byte[] wire = Protect(sa, version == IpVersion.V4 ? Ipv4() : Ipv6());
        int ah = version == IpVersion.V4 ? Ipv4HeaderLength : Ipv6HeaderLength;
        int source = version == IpVersion.V4 ? 12 : 8;
        foreach (int offset in new[] { source, ah, ah + 8, ah + 12, wire.Length - 3 })
        {
            byte[] tampered = [.. wire];
            tampered[offset] ^= 0x40;
            if (version == IpVersion.V4)
            {
                FixChecksum(tampered);
            }

            Assert.Equal(TransformStatus.IntegrityFailed, Receive(sa, tampered, out _));
        }
    }

    [Fact]
    public void Ipv4_ttl_tos_flags_and_a_mutable_option_may_change_in_transit_an_immutable_option_may_not()
    {
        // Router alert (immutable, RFC 4302 Appendix A.1), then a timestamp option (mutable): 4 + 8 bytes.
        byte[] options = [148, 4, 0, 0, 68, 8, 5, 0, 0, 0, 0, 0];
        SecurityAssociation sa = PreparedSa(HmacSha256);
        byte[] original = Ipv4(options);
        byte[] wire = Protect(sa, original);

        byte[] travelled = [.. wire];
        travelled[8] = 61;                                  // TTL
        travelled[1] = 0x02;                                // ECN CE
        travelled[6] = 0x40;                                // DF
        travelled[Ipv4HeaderLength + 6] = 9;                // timestamp pointer
        travelled[Ipv4HeaderLength + 8] = 0xC0;             // a timestamp written en route
        FixChecksum(travelled);
        Assert.Equal(TransformStatus.Ok, Receive(sa, travelled, out byte[] recovered));
        Assert.Equal(original[(Ipv4HeaderLength + options.Length)..], recovered[(Ipv4HeaderLength + options.Length)..]);

        byte[] forged = [.. wire];
        forged[Ipv4HeaderLength + 3] = 1;                   // router alert value
        FixChecksum(forged);
        Assert.Equal(TransformStatus.IntegrityFailed, Receive(sa, forged, out _));
    }

    [Fact]
    public void Loose_source_route_is_authenticated_for_the_final_destination()
    {
        byte[] hop1 = [203, 0, 113, 9];
        byte[] hop2 = [203, 0, 113, 10];
        byte[] final = Bytes(TestPackets.V4Destination);
        byte[] options = [131, 11, 4, .. hop2, .. final, 1]; // LSRR to hop2 then the final destination, NOP padding
        byte[] original = Ipv4(options);
        hop1.CopyTo(original, 16);
        FixChecksum(original);
        SecurityAssociation sa = PreparedSa(HmacSha1, 20);
        byte[] wire = Protect(sa, original);

        // Through hop1 then hop2 (RFC 791): each takes the next address as destination and records its own.
        byte[] travelled = [.. wire];
        hop2.CopyTo(travelled, 16);
        hop1.CopyTo(travelled, Ipv4HeaderLength + 3);
        travelled[Ipv4HeaderLength + 2] = 8;
        final.CopyTo(travelled, 16);
        hop2.CopyTo(travelled, Ipv4HeaderLength + 7);
        travelled[Ipv4HeaderLength + 2] = 12;
        FixChecksum(travelled);

        Assert.Equal(TransformStatus.Ok, Receive(sa, travelled, out _));
    }

    [Fact]
    public void Ipv6_hop_limit_flow_label_and_may_change_options_may_change_in_transit_other_options_may_not()
    {
        // Hop-by-hop: option 0x3E (may change, RFC 8200 §4.2) and option 0x1E (does not), one data byte each.
        byte[] hopByHop = [(byte)IpProtocol.Udp, 0, 0x3E, 1, 0x11, 0x1E, 1, 0x22];
        SecurityAssociation sa = PreparedSa(HmacSha256, version: IpVersion.V6);
        byte[] original = Ipv6(IpProtocol.HopByHopOptions, hopByHop);
        byte[] wire = Protect(sa, original);
        Assert.Equal((byte)IpProtocol.HopByHopOptions, wire[6]);
        Assert.Equal((byte)IpProtocol.Ah, wire[Ipv6HeaderLength]);

        byte[] travelled = [.. wire];
        travelled[7] = 50;                          // hop limit
        travelled[1] ^= 0x3F;                       // traffic class and flow label bits
        travelled[3] = 0x77;                        // flow label
        travelled[Ipv6HeaderLength + 4] = 0x99;     // the may-change option's data
        Assert.Equal(TransformStatus.Ok, Receive(sa, travelled, out byte[] recovered));
        Assert.Equal(original[(Ipv6HeaderLength + 8)..], recovered[(Ipv6HeaderLength + 8)..]);

        byte[] forged = [.. wire];
        forged[Ipv6HeaderLength + 7] = 0x23;        // the immutable option's data
        Assert.Equal(TransformStatus.IntegrityFailed, Receive(sa, forged, out _));
    }

    [Fact]
    public void Type_2_routing_header_verifies_as_sent_and_as_processed_by_the_destination()
    {
        IpAddress careOf = IpAddress.Parse("2001:db8:ffff::9");
        IpAddress home = TestPackets.V6Destination;
        byte[] routing = [(byte)IpProtocol.Udp, 2, 2, 1, 0, 0, 0, 0, .. Bytes(home)];
        byte[] original = Ipv6(IpProtocol.Routing, routing);
        Bytes(careOf).CopyTo(original, 24);
        SecurityAssociation sa = PreparedSa(HmacSha256, version: IpVersion.V6);
        byte[] wire = Protect(sa, original);
        Assert.Equal(TransformStatus.Ok, Receive(sa, wire, out _));

        // RFC 6275 §9.3.5: the mobile node swaps the addresses and sets segments left to 0.
        byte[] processed = [.. wire];
        Bytes(home).CopyTo(processed, 24);
        Bytes(careOf).CopyTo(processed, Ipv6HeaderLength + 8);
        processed[Ipv6HeaderLength + 3] = 0;
        Assert.Equal(TransformStatus.Ok, Receive(sa, processed, out _));

        byte[] forged = [.. wire];
        forged[Ipv6HeaderLength + 8 + 15] ^= 1;     // another home address
        Assert.Equal(TransformStatus.IntegrityFailed, Receive(sa, forged, out _));
    }

    [Theory]
    [InlineData(HmacSha1, 20)]
    [InlineData(AesGmac, 20)]
    public void Extended_sequence_numbers_authenticate_the_high_half_without_sending_it(byte algorithm, int keyLength)
    {
        SecurityAssociation sa = PreparedSa(algorithm, keyLength, extendedSequenceNumbers: true);
        ulong sequence = (5ul << 32) | 7;
        byte[] wire = Protect(sa, Ipv4(), sequence);
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(Ipv4HeaderLength + 8)));

        Assert.Equal(TransformStatus.Ok, Receive(sa, wire, out byte[] recovered, sequenceHigh: 5));
        Assert.Equal(Ipv4(), recovered);
        Assert.Equal(TransformStatus.IntegrityFailed, Receive(sa, wire, out _, sequenceHigh: 4));

        SecurityAssociation withoutEsn = PreparedSa(algorithm, keyLength);
        Assert.NotEqual(wire, Protect(withoutEsn, Ipv4(), sequence));
    }

    [Fact]
    public void Gmac_sends_successive_ivs_and_stops_when_they_run_out()
    {
        var transform = new AhTransform([PortableCryptoEngine.Instance], firstIv: 41);
        SecurityAssociation sa = PreparedSa(AesGmac, 20, transform: transform);
        byte[] first = Protect(sa, Ipv4(), 1, transform);
        byte[] second = Protect(sa, Ipv4(), 2, transform);
        Assert.Equal(41ul, BinaryPrimitives.ReadUInt64BigEndian(first.AsSpan(Ipv4HeaderLength + 12)));
        Assert.Equal(42ul, BinaryPrimitives.ReadUInt64BigEndian(second.AsSpan(Ipv4HeaderLength + 12)));

        var exhausted = new AhTransform([PortableCryptoEngine.Instance], firstIv: ulong.MaxValue);
        SecurityAssociation spent = PreparedSa(AesGmac, 20, transform: exhausted);
        var pool = new PacketPool(2, diagnostics: true);
        Packet packet = pool.Rent();
        byte[] original = Ipv4();
        original.CopyTo(packet.Put(original.Length));
        Assert.Equal(Netipsec.Transforms.Modes.ModeStatus.Ok, Netipsec.Transforms.Modes.XfrmModes.PrepareOutput(spent, packet, exhausted.HeaderLength(spent), 0));
        Assert.Equal(TransformStatus.IvExhausted, exhausted.Output(spent, packet, 1));
        pool.Return(packet);
    }

    [Fact]
    public void Output_leaves_the_ip_header_as_it_was_apart_from_length_protocol_and_checksum()
    {
        byte[] options = [7, 7, 4, 0, 0, 0, 0, 1]; // record route (mutable, zeroed only for the ICV), NOP
        byte[] original = Ipv4(options);
        original[1] = 0xB8;
        FixChecksum(original);
        byte[] wire = Protect(PreparedSa(HmacSha1, 20), original);

        Assert.Equal(original[..2], wire[..2]);
        Assert.Equal(original[4..9], wire[4..9]);
        Assert.Equal(original[12..28], wire[12..28]);
        Assert.Equal((byte)IpProtocol.Ah, wire[9]);
    }

    [Theory]
    [InlineData(1, TransformStatus.Malformed)]      // stated length 12 bytes: no room for the ICV
    [InlineData(200, TransformStatus.Malformed)]    // runs past the packet
    public void Input_refuses_a_header_length_that_does_not_fit(byte payloadLength, TransformStatus expected)
    {
        SecurityAssociation sa = PreparedSa(HmacSha1, 20);
        byte[] wire = Protect(sa, Ipv4());
        wire[Ipv4HeaderLength + 1] = payloadLength;
        Assert.Equal(expected, Receive(sa, wire, out _));
    }

    [Fact]
    public void Input_accepts_a_longer_header_with_padding_the_sender_chose()
    {
        // A sender may pad beyond the minimum (RFC 4302 §3.3.3.2.1): HMAC-SHA-256-128 needs 28 bytes, this one has 32.
        SecurityAssociation sa = PreparedSa(HmacSha256);
        byte[] original = Ipv4();
        byte[] header = [(byte)IpProtocol.Udp, 6, 0, 0, .. BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(Spi)), 0, 0, 0, 9, .. new byte[20]];
        byte[] wire = [.. original[..Ipv4HeaderLength], .. header, .. original[Ipv4HeaderLength..]];
        var ip = new Ipv4Header(wire) { TotalLength = (ushort)wire.Length, Protocol = IpProtocol.Ah };
        ip.UpdateChecksum();
        byte[] input = [.. wire];
        input[1] = input[6] = input[7] = input[8] = input[10] = input[11] = 0;
        HMACSHA256.HashData(Key(32), input).AsSpan(0, 16).CopyTo(wire.AsSpan(Ipv4HeaderLength + 12));

        Assert.Equal(TransformStatus.Ok, Receive(sa, wire, out byte[] recovered));
        Assert.Equal(original, recovered);
    }

    [Fact]
    public void Init_refuses_sas_that_are_not_plain_ah_with_a_usable_integrity_key()
    {
        SecurityAssociation esp = new(new SaId(TestPackets.V4Destination, Spi, IpsecProtocol.Esp), TestPackets.V4Source, XfrmMode.Transport)
        {
            Authentication = new SaAlgorithm(HmacSha1, Key(20)),
        };
        SecurityAssociation[] refused =
        [
            esp,
            new(new SaId(TestPackets.V4Destination, Spi, IpsecProtocol.Ah), TestPackets.V4Source, XfrmMode.Transport),
            Sa(algorithm: 251, keyLength: 0),   // NULL integrity
            Sa(algorithm: 4, keyLength: 20),    // unknown id
            Sa(HmacSha1, keyLength: 19),        // wrong key length
            Sa(AesXcbc, keyLength: 16),         // no engine supports it
            new(new SaId(TestPackets.V4Destination, Spi, IpsecProtocol.Ah), TestPackets.V4Source, XfrmMode.Transport)
            {
                Authentication = new SaAlgorithm(HmacSha1, Key(20)),
                Encryption = new SaAlgorithm(12, Key(16)),
            },
            new(new SaId(TestPackets.V4Destination, Spi, IpsecProtocol.Ah), TestPackets.V4Source, XfrmMode.Transport)
            {
                Authentication = new SaAlgorithm(HmacSha1, Key(20), keyBits: 153),
            },
        ];
        foreach (SecurityAssociation sa in refused)
        {
            Assert.Equal(TransformStatus.Unsupported, AhTransform.Instance.Init(sa));
            Assert.Null(sa.TypeState);
        }
    }

    [Fact]
    public void A_destroyed_sa_is_refused_by_init_output_and_input()
    {
        SecurityAssociation sa = PreparedSa(HmacSha1, 20);
        byte[] wire = Protect(sa, Ipv4());
        Assert.Equal(TransformStatus.Ok, AhTransform.Instance.Init(sa));

        AhTransform.Instance.Destroy(sa);
        AhTransform.Instance.Destroy(sa);

        Assert.Equal(TransformStatus.Unsupported, AhTransform.Instance.Init(sa));
        Assert.Equal(TransformStatus.Unsupported, Receive(sa, wire, out _));
        var pool = new PacketPool(2, diagnostics: true);
        Packet packet = pool.Rent();
        Assert.Equal(TransformStatus.Unsupported, AhTransform.Instance.Output(sa, packet, 1));
        Assert.Equal(TransformStatus.Unsupported, AhTransform.Instance.Output(Sa(), packet, 1));
        pool.Return(packet);
    }
}

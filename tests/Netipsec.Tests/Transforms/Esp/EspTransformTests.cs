using System.Buffers.Binary;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>ESP output and round trips through input, in the layouts the modes produce.</summary>
public sealed class EspTransformTests
{
    private const int EspLength = EspTestData.GapLength;

    private readonly PacketPool _pool = new(capacity: 16, diagnostics: true);

    public enum Layout
    {
        Ipv4Transport,
        Ipv4Tunnel,
        Ipv6Transport,
        Ipv6Tunnel,
        Ipv6WithExtensionHeader,
    }

    [Fact]
    public void Describes_itself_as_esp_with_a_16_byte_header()
    {
        SecurityAssociation sa = EspTestData.Sa();
        Assert.Equal(IpsecProtocol.Esp, EspTransform.Instance.Protocol);
        Assert.Equal(16, EspTransform.Instance.HeaderLength(sa));
    }

    [Theory]
    [InlineData(Layout.Ipv4Transport)]
    [InlineData(Layout.Ipv4Tunnel)]
    [InlineData(Layout.Ipv6Transport)]
    [InlineData(Layout.Ipv6Tunnel)]
    [InlineData(Layout.Ipv6WithExtensionHeader)]
    public void Round_trip_restores_the_payload_behind_the_ip_headers(Layout layout)
    {
        IpVersion version = layout is Layout.Ipv4Transport or Layout.Ipv4Tunnel ? IpVersion.V4 : IpVersion.V6;
        (byte[] headers, byte[] payload, IpProtocol inner, int nextHeaderField) = Build(layout);
        SecurityAssociation sender = EspTestData.PreparedSa(version: version);
        SecurityAssociation receiver = EspTestData.PreparedSa(version: version);
        Packet packet = EspTestData.OutputLayout(_pool, headers, payload, inner, nextHeaderField);

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sender, packet, 1));

        int trailer = EspTransform.Instance.TrailerLength(sender, payload.Length);
        Assert.Equal(headers.Length + EspLength + payload.Length + trailer, packet.Length);
        Assert.Equal((byte)IpProtocol.Esp, packet.Data[nextHeaderField]);
        byte[] expectedHeaders = [.. headers];
        expectedHeaders[nextHeaderField] = (byte)IpProtocol.Esp;
        Assert.Equal(expectedHeaders, packet.Data[..headers.Length].ToArray());
        Assert.False(packet.Data.Slice(headers.Length + EspLength, payload.Length).SequenceEqual(payload));

        packet.InnerProtocol = default;
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(receiver, packet, 0));

        Assert.Equal([.. expectedHeaders, .. payload], packet.Data.ToArray());
        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal(headers.Length, packet.TransportOffset);
        Assert.Equal(inner, packet.InnerProtocol);
    }

    [Theory]
    [MemberData(nameof(EspTestData.GcmIcvsAndKeySizes), MemberType = typeof(EspTestData))]
    public void Round_trip_works_for_every_supported_key_size_and_icv(byte algorithm, int aesKeyLength)
    {
        byte[] key = EspTestData.KeyMaterial(aesKeyLength);
        SecurityAssociation sender = EspTestData.PreparedSa(algorithm: algorithm, keyMaterial: key);
        SecurityAssociation receiver = EspTestData.PreparedSa(algorithm: algorithm, keyMaterial: key);
        byte[] payload = EspTestData.Payload(40);
        Packet packet = EspTestData.Ipv4Transport(_pool, payload);

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sender, packet, 9));
        int icvLength = algorithm == EspTransform.AesGcmIcv12 ? 12 : 16;
        Assert.Equal(20 + EspLength + 40 + 2 + 2 + icvLength, packet.Length);
        byte[] plaintext = EspTestData.OpenByHand(key, packet.Data[20..], 9, icvLength: icvLength);
        Assert.Equal([.. payload, 1, 2, 2, (byte)IpProtocol.Udp], plaintext);

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(receiver, packet, 0));
        Assert.Equal(payload, packet.Data[20..].ToArray());
    }

    [Fact]
    public void Output_writes_spi_low_sequence_and_the_iv_counter_in_the_header()
    {
        SecurityAssociation sa = EspTestData.PreparedSa(new EspTransform(0x0102030405060708), extendedSequenceNumbers: true);
        Packet packet = EspTestData.Ipv4Transport(_pool, EspTestData.Payload(12));

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, 0x0000_0007_8000_0001));

        Assert.Equal(Convert.FromHexString("0A0B0C0D" + "80000001" + "0102030405060708"), packet.Data.Slice(20, EspLength).ToArray());
    }

    [Theory]
    [MemberData(nameof(EspTestData.FourByteAlignmentPadding), MemberType = typeof(EspTestData))]
    public void Padding_aligns_payload_padding_and_trailer_to_4_bytes(int payloadLength, int padding)
    {
        byte[] key = EspTestData.KeyMaterial(16);
        SecurityAssociation sa = EspTestData.PreparedSa(keyMaterial: key);
        byte[] payload = EspTestData.Payload(payloadLength);
        Packet packet = EspTestData.Ipv4Transport(_pool, payload);
        packet.InnerProtocol = IpProtocol.Icmp;

        Assert.Equal(padding + 2 + 16, EspTransform.Instance.TrailerLength(sa, payloadLength));
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, 1));

        byte[] plaintext = EspTestData.OpenByHand(key, packet.Data[20..], 1);
        byte[] expectedTrailer = [.. Enumerable.Range(1, padding).Select(b => (byte)b), (byte)padding, (byte)IpProtocol.Icmp];
        Assert.Equal([.. payload, .. expectedTrailer], plaintext);
        Assert.Equal(0, plaintext.Length % 4);
    }

    [Fact]
    public void Iv_counts_up_and_never_repeats_even_when_the_sequence_number_does()
    {
        // A cycling SA (no anti-replay) may reuse sequence numbers; the IV must still be fresh every time.
        SecurityAssociation sa = EspTestData.PreparedSa();
        var ivs = new HashSet<ulong>();
        Packet packet = _pool.Rent();
        for (int i = 0; i < 1000; i++)
        {
            Reset(packet, EspTestData.Payload(16));
            Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, 5));
            Assert.True(ivs.Add(BinaryPrimitives.ReadUInt64BigEndian(packet.Data.Slice(20 + 8, 8))));
        }

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (ulong)i), ivs.Order());
    }

    [Fact]
    public void Parallel_outputs_on_one_sa_get_distinct_ivs_and_all_decrypt()
    {
        const int Threads = 4;
        const int PerThread = 200;
        byte[] key = EspTestData.KeyMaterial(32);
        SecurityAssociation sender = EspTestData.PreparedSa(keyMaterial: key);
        SecurityAssociation receiver = EspTestData.PreparedSa(keyMaterial: key);
        var pool = new PacketPool(capacity: Threads, diagnostics: false);
        var ivs = new ulong[Threads * PerThread];
        var failures = new int[Threads];

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            Packet packet = pool.Rent();
            for (int i = 0; i < PerThread; i++)
            {
                byte[] payload = EspTestData.Payload(20 + i % 9);
                Reset(packet, payload);
                bool ok = EspTransform.Instance.Output(sender, packet, (ulong)i + 1) == TransformStatus.Ok;
                ivs[(thread * PerThread) + i] = BinaryPrimitives.ReadUInt64BigEndian(packet.Data.Slice(28, 8));
                ok &= EspTransform.Instance.Input(receiver, packet, 0) == TransformStatus.Ok && packet.Data[20..].SequenceEqual(payload);
                failures[thread] += ok ? 0 : 1;
            }

            pool.Return(packet);
        });

        Assert.All(failures, count => Assert.Equal(0, count));
        Assert.Equal(ivs.Length, ivs.Distinct().Count());
    }

    [Fact]
    public void Output_stops_for_good_once_the_iv_counter_is_used_up()
    {
        SecurityAssociation sa = EspTestData.PreparedSa(new EspTransform(ulong.MaxValue - 2));
        Packet packet = _pool.Rent();

        Reset(packet, EspTestData.Payload(8));
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, 1));
        Assert.Equal(ulong.MaxValue - 2, BinaryPrimitives.ReadUInt64BigEndian(packet.Data.Slice(28, 8)));
        Reset(packet, EspTestData.Payload(8));
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, 2));
        Assert.Equal(ulong.MaxValue - 1, BinaryPrimitives.ReadUInt64BigEndian(packet.Data.Slice(28, 8)));

        for (int attempt = 0; attempt < 3; attempt++)
        {
            Reset(packet, EspTestData.Payload(8));
            Assert.Equal(TransformStatus.IvExhausted, EspTransform.Instance.Output(sa, packet, 3));
            Assert.Equal(20 + EspLength + 8, packet.Length);
        }
    }

    [Fact]
    public void Esn_high_half_changes_only_the_icv()
    {
        byte[] key = EspTestData.KeyMaterial(16);
        byte[] payload = EspTestData.Payload(24);
        byte[] low = OutputEsp(EspTestData.PreparedSa(keyMaterial: key, extendedSequenceNumbers: true), payload, 0x0000_0001_0000_0005);
        byte[] high = OutputEsp(EspTestData.PreparedSa(keyMaterial: key, extendedSequenceNumbers: true), payload, 0x0000_0002_0000_0005);
        byte[] plain = OutputEsp(EspTestData.PreparedSa(keyMaterial: key), payload, 5);
        byte[] plainEsnZero = OutputEsp(EspTestData.PreparedSa(keyMaterial: key, extendedSequenceNumbers: true), payload, 5);

        Assert.Equal(low[..^16], high[..^16]);
        Assert.NotEqual(low[^16..], high[^16..]);

        // Same wire bytes, but the ESN AAD is 12 bytes (high half 0 included) against 8 without ESN (RFC 4106 §5).
        Assert.Equal(plain[..^16], plainEsnZero[..^16]);
        Assert.NotEqual(plain[^16..], plainEsnZero[^16..]);
        Assert.Equal(plainEsnZero, EspTestData.SealByHand(key, EspTestData.Spi, 5, 0, EspTestData.OpenByHand(key, plainEsnZero, 5, extendedSequenceNumbers: true), extendedSequenceNumbers: true));
    }

    [Fact]
    public void Output_grows_the_buffer_when_the_tailroom_is_short()
    {
        var pool = new PacketPool(capacity: 1, bufferSize: 128, headroom: 0, diagnostics: true);
        byte[] payload = EspTestData.Payload(128 - 20 - EspLength - 4);
        Packet packet = EspTestData.Ipv4Transport(pool, payload);
        Assert.True(packet.Tailroom < EspTransform.Instance.TrailerLength(EspTestData.Sa(), payload.Length));
        byte[] key = EspTestData.KeyMaterial(16);

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(EspTestData.PreparedSa(keyMaterial: key), packet, 1));

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Input(EspTestData.PreparedSa(keyMaterial: key), packet, 0));
        Assert.Equal(payload, packet.Data[20..].ToArray());
        pool.Return(packet);
    }

    [Fact]
    public void Output_reports_no_room_when_even_the_largest_buffer_is_too_small()
    {
        var pool = new PacketPool(capacity: 1, bufferSize: PacketPool.MaxBufferSize, headroom: 0, diagnostics: false);
        byte[] payload = new byte[PacketPool.MaxBufferSize - 20 - EspLength - 4];
        Packet packet = EspTestData.Ipv4Transport(pool, payload);

        Assert.Equal(TransformStatus.NoRoom, EspTransform.Instance.Output(EspTestData.PreparedSa(), packet, 1));
        Assert.Equal(PacketPool.MaxBufferSize - 4, packet.Length);
        pool.Return(packet);
    }

    [Fact]
    public void Output_rejects_a_packet_that_breaks_the_layout_contract()
    {
        SecurityAssociation sa = EspTestData.PreparedSa();

        Packet noTransportMark = _pool.Rent();
        noTransportMark.Put(60);
        noTransportMark.SetNetworkHeader(0);
        Assert.Equal(TransformStatus.Malformed, EspTransform.Instance.Output(sa, noTransportMark, 1));

        Packet fieldInsideTheGap = EspTestData.Ipv4Transport(_pool, EspTestData.Payload(8));
        fieldInsideTheGap.NextHeaderFieldOffset = 20;
        Assert.Equal(TransformStatus.Malformed, EspTransform.Instance.Output(sa, fieldInsideTheGap, 1));

        Packet gapTooShort = EspTestData.Ipv4Transport(_pool, []);
        gapTooShort.Trim(20 + EspLength - 1);
        Assert.Equal(TransformStatus.Malformed, EspTransform.Instance.Output(sa, gapTooShort, 1));
        Assert.Equal(20 + EspLength - 1, gapTooShort.Length);
    }

    [Theory]
    [InlineData(EspPadding.Sequential)]
    [InlineData(EspPadding.Zero)]
    [InlineData(EspPadding.Random)]
    public void Output_and_input_allocate_nothing_per_packet(EspPadding padding)
    {
        byte[] key = EspTestData.KeyMaterial(16);
        SecurityAssociation sender = EspTestData.PreparedSa(keyMaterial: key, extendedSequenceNumbers: true, padding: padding);
        SecurityAssociation receiver = EspTestData.PreparedSa(keyMaterial: key, extendedSequenceNumbers: true, padding: padding);
        var pool = new PacketPool(capacity: 1, diagnostics: false);
        Packet packet = EspTestData.Ipv4Transport(pool, EspTestData.Payload(1200));

        for (int i = 0; i < 50; i++)
        {
            RoundTrip(packet, i);
        }

        int sequence = 50;
        Assert.Equal(0, SteadyState.AllocatedBytes(_ => RoundTrip(packet, sequence++), iterations: 1000));

        void RoundTrip(Packet p, int i)
        {
            if (EspTransform.Instance.Output(sender, p, (ulong)i + 1) != TransformStatus.Ok
                || EspTransform.Instance.Input(receiver, p, 0) != TransformStatus.Ok)
            {
                Assert.Fail("round trip failed");
            }

            // Back to the output layout: reopen the gap in front of the recovered payload.
            p.MakeSpace(20, EspLength);
            p.SetTransportHeader(20);
        }
    }

    private static (byte[] Headers, byte[] Payload, IpProtocol Inner, int NextHeaderField) Build(Layout layout) => layout switch
    {
        Layout.Ipv4Transport => (TestPackets.Ipv4(IpProtocol.Tcp, [])[..20], TestPackets.Tcp(1234, 80), IpProtocol.Tcp, 9),
        Layout.Ipv4Tunnel => (TestPackets.Ipv4(IpProtocol.IpInIp, [])[..20], TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2, 13)), IpProtocol.IpInIp, 9),
        Layout.Ipv6Transport => (TestPackets.Ipv6(IpProtocol.Udp, [])[..40], TestPackets.Udp(5000, 6000, 31), IpProtocol.Udp, 6),
        Layout.Ipv6Tunnel => (TestPackets.Ipv6(IpProtocol.Ipv6, [])[..40], TestPackets.Ipv6(IpProtocol.Icmpv6, [128, 0, 0, 0, 0, 1, 0, 1]), IpProtocol.Ipv6, 6),

        // A hop-by-hop header sits in front of ESP: its own next header byte (offset 40) must name ESP, not byte 6.
        _ => (TestPackets.Ipv6(IpProtocol.HopByHopOptions, [(byte)IpProtocol.Tcp, 0, 1, 4, 0, 0, 0, 0])[..48], TestPackets.Tcp(22, 40000), IpProtocol.Tcp, 40),
    };

    private static void Reset(Packet packet, byte[] payload)
    {
        packet.Trim(0);
        byte[] headers = TestPackets.Ipv4(IpProtocol.Udp, [])[..20];
        Span<byte> data = packet.Put(20 + EspLength + payload.Length);
        headers.CopyTo(data);
        payload.CopyTo(data[(20 + EspLength)..]);
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(20);
        packet.NextHeaderFieldOffset = 9;
        packet.InnerProtocol = IpProtocol.Udp;
    }

    private byte[] OutputEsp(SecurityAssociation sa, byte[] payload, ulong sequence)
    {
        Packet packet = EspTestData.Ipv4Transport(_pool, payload);
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, sequence));
        byte[] esp = packet.Data[20..].ToArray();
        _pool.Return(packet);
        return esp;
    }
}

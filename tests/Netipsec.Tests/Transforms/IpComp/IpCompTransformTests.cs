using System.IO.Compression;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms;
using Netipsec.Transforms.IpComp;
using Netipsec.Transforms.Modes;

namespace Netipsec.Tests.Transforms.IpComp;

public sealed partial class IpCompTransformTests
{
    private const ushort Cpi = 0x4321;
    private const byte Deflate = 2;

    private readonly PacketPool _pool = new(8, bufferSize: 2048);

    public static TheoryData<XfrmMode, IpVersion> ModesAndVersions => new()
    {
        { XfrmMode.Transport, IpVersion.V4 },
        { XfrmMode.Transport, IpVersion.V6 },
        { XfrmMode.Tunnel, IpVersion.V4 },
        { XfrmMode.Tunnel, IpVersion.V6 },
    };

    [Theory]
    [MemberData(nameof(ModesAndVersions))]
    public void A_compressible_payload_travels_compressed_and_comes_back_byte_for_byte(XfrmMode mode, IpVersion version)
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, mode, version);
        byte[] original = Original(version, Compressible(1200));

        byte[] wire = Protect(transform, sa, original, out _);

        Assert.True(wire.Length < original.Length - 500, $"{wire.Length} bytes on the wire for {original.Length}");
        Assert.True(InboundHeader.TryParse(Rent(wire), out InboundHeader header) == InboundHeader.Status.Found);
        Assert.Equal(IpsecProtocol.IpComp, header.Protocol);
        Assert.Equal(Cpi, header.Spi);
        Assert.Equal(original, Recover(transform, sa, wire));
        Assert.Equal(1, transform.Statistics[IpCompCounter.Compressed]);
        Assert.Equal(1, transform.Statistics[IpCompCounter.Decompressed]);
    }

    [Fact]
    public void The_header_names_the_payload_has_zero_flags_and_the_cpi_and_the_data_is_raw_deflate()
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] udp = Compressible(600);
        byte[] wire = Protect(transform, sa, TestPackets.Ipv4(IpProtocol.Udp, udp), out _);

        Assert.Equal((byte)IpProtocol.IpComp, wire[9]);
        Assert.Equal([(byte)IpProtocol.Udp, 0, 0x43, 0x21], wire[20..24]);
        using var inflate = new DeflateStream(new MemoryStream(wire[24..]), CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        inflate.CopyTo(inflated);
        Assert.Equal(udp, inflated.ToArray());
    }

    [Theory]
    [InlineData(IpVersion.V4)]
    [InlineData(IpVersion.V6)]
    public void A_payload_at_the_threshold_goes_out_unchanged_in_transport_mode(IpVersion version)
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, version);
        byte[] original = Original(version, new byte[IpCompTransform.DeflateThreshold - 8]); // the UDP header counts

        Assert.Equal(original, Protect(transform, sa, original, out _));
        Assert.Equal(1, transform.Statistics[IpCompCounter.UncompressedSmall]);
        Assert.Equal(0, transform.Statistics[IpCompCounter.Compressed]);
    }

    [Fact]
    public void A_payload_one_byte_over_the_threshold_is_compressed()
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] wire = Protect(transform, sa, TestPackets.Ipv4(IpProtocol.Tcp, new byte[IpCompTransform.DeflateThreshold + 1]), out _);

        Assert.Equal((byte)IpProtocol.IpComp, wire[9]);
        Assert.Equal(1, transform.Statistics[IpCompCounter.Compressed]);
    }

    [Theory]
    [InlineData(IpVersion.V4, IpProtocol.IpInIp)]
    [InlineData(IpVersion.V6, IpProtocol.Ipv6)]
    public void An_uncompressed_tunnel_packet_is_plain_ip_in_ip_that_the_tunnel_mode_unwraps(IpVersion version, IpProtocol outerProtocol)
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Tunnel, version);
        byte[] original = Original(version, new byte[40]);

        byte[] wire = Protect(transform, sa, original, out _);

        int outerLength = version == IpVersion.V4 ? Ipv4Header.MinLength : Ipv6Header.Length;
        Assert.Equal(original.Length + outerLength, wire.Length);
        Assert.Equal((byte)outerProtocol, wire[version == IpVersion.V4 ? 9 : 6]);
        Assert.Equal(original, wire[outerLength..]);
        Packet received = Rent(wire);
        Assert.Equal(InboundHeader.Status.IpInIp, InboundHeader.TryParse(received, out InboundHeader header));
        Assert.Equal((sa.Source, sa.Destination, outerLength, outerProtocol), (header.Source, header.Destination, received.TransportOffset, received.InnerProtocol));
    }

    [Fact]
    public void An_incompressible_payload_goes_out_unchanged()
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] original = TestPackets.Ipv4(IpProtocol.Udp, Random(1000, seed: 1));

        Assert.Equal(original, Protect(transform, sa, original, out _));
        Assert.Equal(1, transform.Statistics[IpCompCounter.UncompressedIncompressible]);
    }

    [Fact]
    public void After_n_incompressible_payloads_the_next_m_packets_skip_compression_then_it_is_tried_again()
    {
        var transform = new IpCompTransform(failureThreshold: 3, skipCount: 4);
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] random = TestPackets.Ipv4(IpProtocol.Udp, Random(500, seed: 2));
        byte[] compressible = TestPackets.Ipv4(IpProtocol.Udp, Compressible(500));

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(random, Protect(transform, sa, random, out _));
        }

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(compressible, Protect(transform, sa, compressible, out _));
        }

        Assert.Equal(3, transform.Statistics[IpCompCounter.UncompressedIncompressible]);
        Assert.Equal(4, transform.Statistics[IpCompCounter.Skipped]);
        Assert.Equal((byte)IpProtocol.IpComp, Protect(transform, sa, compressible, out _)[9]);
        Assert.Equal(1, transform.Statistics[IpCompCounter.Compressed]);
    }

    [Fact]
    public void A_success_resets_the_run_of_failures_and_small_packets_neither_count_nor_use_up_skips()
    {
        var transform = new IpCompTransform(failureThreshold: 2, skipCount: 1);
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] random = TestPackets.Ipv4(IpProtocol.Udp, Random(500, seed: 3));
        byte[] compressible = TestPackets.Ipv4(IpProtocol.Udp, Compressible(500));
        byte[] small = TestPackets.Ipv4(IpProtocol.Udp, new byte[20]);

        Protect(transform, sa, random, out _);
        Protect(transform, sa, compressible, out _);
        Protect(transform, sa, random, out _);
        Assert.Equal(0, transform.Statistics[IpCompCounter.Skipped]);
        Protect(transform, sa, random, out _); // second in a row: back off for one packet
        Protect(transform, sa, small, out _);
        Assert.Equal(compressible, Protect(transform, sa, compressible, out _));
        Assert.Equal((byte)IpProtocol.IpComp, Protect(transform, sa, compressible, out _)[9]);

        Assert.Equal(1, transform.Statistics[IpCompCounter.Skipped]);
        Assert.Equal(1, transform.Statistics[IpCompCounter.UncompressedSmall]);
        Assert.Equal(2, transform.Statistics[IpCompCounter.Compressed]);
    }

    [Fact]
    public void The_back_off_is_per_sa()
    {
        var transform = new IpCompTransform(failureThreshold: 1, skipCount: 10);
        SecurityAssociation first = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        SecurityAssociation second = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);

        Protect(transform, first, TestPackets.Ipv4(IpProtocol.Udp, Random(500, seed: 4)), out _);
        byte[] wire = Protect(transform, second, TestPackets.Ipv4(IpProtocol.Udp, Compressible(500)), out _);

        Assert.Equal((byte)IpProtocol.IpComp, wire[9]);
    }

    public static TheoryData<string, byte[], bool> MalformedPayloads => new()
    {
        { "empty compressed data", [], false },
        { "not deflate", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], false },
        { "reserved block type", [0x07, 0x00, 0x00, 0x00], false },
        { "no final block", Deflated(Compressible(500))[..^1], false },
        { "zip bomb", Deflated(new byte[200_000]), true },
        { "one byte past the IPv4 limit", Deflated(new byte[ushort.MaxValue - 20 + 1]), true },
    };

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public void Bad_compressed_data_is_malformed_and_leaves_the_packet_as_it_was(string name, byte[] compressed, bool tooBig)
    {
        _ = name;
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] wire = TestPackets.Ipv4(IpProtocol.IpComp, [(byte)IpProtocol.Udp, 0, 0x43, 0x21, .. compressed]);
        Packet packet = Parsed(wire);

        Assert.Equal(TransformStatus.Malformed, transform.Input(sa, packet, 0));
        Assert.Equal(wire, packet.Data.ToArray());
        Assert.Equal((tooBig ? 0 : 1, tooBig ? 1 : 0), (transform.Statistics[IpCompCounter.Crypto], transform.Statistics[IpCompCounter.TooBig]));
        Assert.Equal((1, 0, 1), (transform.Statistics[IpCompCounter.Input], transform.Statistics[IpCompCounter.Decompressed], transform.Statistics.DecompressionFailures));
    }

    [Fact]
    public void Exactly_the_ipv4_limit_decompresses()
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] payload = new byte[ushort.MaxValue - 20];
        Packet packet = Parsed(TestPackets.Ipv4(IpProtocol.IpComp, [(byte)IpProtocol.Udp, 0, 0x43, 0x21, .. Deflated(payload)]));

        Assert.Equal(TransformStatus.Ok, transform.Input(sa, packet, 0));
        Assert.Equal(ushort.MaxValue, packet.Length);
        Assert.Equal(IpProtocol.Udp, packet.InnerProtocol);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void A_truncated_header_is_malformed(int headerBytes)
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        byte[] wire = TestPackets.Ipv4(IpProtocol.IpComp, new byte[] { (byte)IpProtocol.Udp, 0, 0x43 }[..headerBytes]);
        Packet packet = Rent(wire);
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(20);
        packet.NextHeaderFieldOffset = 9;

        Assert.Equal(TransformStatus.Malformed, transform.Input(sa, packet, 0));
    }

    [Fact]
    public void Random_bytes_after_the_header_never_throw()
    {
        var transform = new IpCompTransform();
        SecurityAssociation sa = PreparedSa(transform, XfrmMode.Transport, IpVersion.V4);
        var random = new Random(7);
        for (int i = 0; i < 300; i++)
        {
            byte[] garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            Packet packet = Parsed(TestPackets.Ipv4(IpProtocol.IpComp, [(byte)IpProtocol.Udp, 0, 0x43, 0x21, .. garbage]));
            TransformStatus status = transform.Input(sa, packet, 0);
            Assert.True(status is TransformStatus.Ok or TransformStatus.Malformed, status.ToString());
            _pool.Return(packet);
        }
    }

    [Fact]
    public void Init_accepts_only_deflate_ipcomp_sas_and_a_destroyed_sa_stays_refused()
    {
        var transform = new IpCompTransform();
        Assert.Equal(TransformStatus.Unsupported, transform.Init(Sa(XfrmMode.Transport, IpVersion.V4, algorithm: 3)));
        Assert.Equal(TransformStatus.Unsupported, transform.Init(Sa(XfrmMode.Transport, IpVersion.V4, spi: 0x10000)));
        Assert.Equal(TransformStatus.Unsupported, transform.Init(
            new SecurityAssociation(new SaId(TestPackets.V4Destination, 0x100, IpsecProtocol.Esp), TestPackets.V4Source, XfrmMode.Transport)
            {
                Compression = SaAlgorithm.WithoutKey(Deflate),
            }));

        SecurityAssociation sa = Sa(XfrmMode.Transport, IpVersion.V4);
        Assert.Equal(TransformStatus.Ok, transform.Init(sa));
        Assert.Equal(TransformStatus.Ok, transform.Init(sa));
        transform.Destroy(sa);
        transform.Destroy(sa);
        Assert.Equal(TransformStatus.Unsupported, transform.Init(sa));
        Packet packet = Parsed(TestPackets.Ipv4(IpProtocol.IpComp, [(byte)IpProtocol.Udp, 0, 0x43, 0x21, .. Deflated(new byte[200])]));
        Assert.Equal(TransformStatus.Unsupported, transform.Input(sa, packet, 0));
    }

    [Fact]
    public void The_default_registry_handles_ipcomp()
    {
        Assert.Same(IpCompTransform.Instance, XfrmTypeRegistry.CreateDefault().Get(IpsecProtocol.IpComp));
        Assert.Equal(4, IpCompTransform.Instance.HeaderLength(Sa(XfrmMode.Transport, IpVersion.V4)));
        Assert.Equal(0, IpCompTransform.Instance.TrailerLength(Sa(XfrmMode.Transport, IpVersion.V4), 1400));
    }

    internal static byte[] Compressible(int length)
    {
        byte[] text = new byte[length];
        for (int i = 0; i < length; i++)
        {
            text[i] = (byte)"the quick brown fox jumps over the lazy dog "[i % 44];
        }

        return text;
    }

    private static byte[] Random(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Deflated(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Original(IpVersion version, byte[] udpPayload)
    {
        byte[] udp = TestPackets.Udp(4500, 53, udpPayload.Length);
        udpPayload.CopyTo(udp, 8);
        return version == IpVersion.V4 ? TestPackets.Ipv4(IpProtocol.Udp, udp) : TestPackets.Ipv6(IpProtocol.Udp, udp);
    }

    private static SecurityAssociation Sa(XfrmMode mode, IpVersion version, byte algorithm = Deflate, uint spi = Cpi)
    {
        (IpAddress source, IpAddress destination) = version == IpVersion.V4
            ? (IpAddress.Parse("203.0.113.1"), IpAddress.Parse("203.0.113.2"))
            : (IpAddress.Parse("2001:db8:a::1"), IpAddress.Parse("2001:db8:b::1"));
        if (mode == XfrmMode.Transport)
        {
            (source, destination) = version == IpVersion.V4
                ? (TestPackets.V4Source, TestPackets.V4Destination)
                : (TestPackets.V6Source, TestPackets.V6Destination);
        }

        return new SecurityAssociation(new SaId(destination, spi, IpsecProtocol.IpComp), source, mode)
        {
            Compression = SaAlgorithm.WithoutKey(algorithm),
        };
    }

    private static SecurityAssociation PreparedSa(IpCompTransform transform, XfrmMode mode, IpVersion version)
    {
        SecurityAssociation sa = Sa(mode, version);
        Assert.Equal(TransformStatus.Ok, transform.Init(sa));
        return sa;
    }

    private Packet Rent(byte[] bytes)
    {
        Packet packet = _pool.Rent();
        packet.Put(bytes.Length);
        packet.CopyBack(0, bytes);
        return packet;
    }

    /// <summary>A received packet with the marks the engine's parser sets.</summary>
    private Packet Parsed(byte[] wire)
    {
        Packet packet = _pool.Rent();
        packet.EnsureTailroom(wire.Length);
        packet.Put(wire.Length);
        packet.CopyBack(0, wire);
        Assert.Equal(InboundHeader.Status.Found, InboundHeader.TryParse(packet, out _));
        return packet;
    }

    /// <summary>Mode, transform and mode again, as the engine's output path runs them.</summary>
    private byte[] Protect(IpCompTransform transform, SecurityAssociation sa, byte[] original, out TransformStatus status)
    {
        Packet packet = Rent(original);
        packet.SetNetworkHeader(0);
        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, transform.HeaderLength(sa), transform.TrailerLength(sa, packet.Length)));
        status = transform.Output(sa, packet, 0);
        Assert.Equal(TransformStatus.Ok, status);
        Assert.Equal(ModeStatus.Ok, XfrmModes.FinishOutput(sa, packet));
        byte[] wire = packet.Data.ToArray();
        _pool.Return(packet);
        return wire;
    }

    private byte[] Recover(IpCompTransform transform, SecurityAssociation sa, byte[] wire)
    {
        Packet packet = Parsed(wire);
        Assert.Equal(TransformStatus.Ok, transform.Input(sa, packet, 0));
        Assert.Equal(ModeStatus.Ok, XfrmModes.Input(sa, packet));
        byte[] recovered = packet.Data.ToArray();
        _pool.Return(packet);
        return recovered;
    }
}

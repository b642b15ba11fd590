using System.Buffers.Binary;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Tests.Packets;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>
/// Traffic flow confidentiality padding (RFC 4303 §2.7) of ESP tunnel SAs between the simulated gateways (AES-GCM-16
/// over IPv4, 1500-byte link): inner packets are padded to the SA's TFC length, capped by the path MTU; the receiver
/// cuts the padding off by the inner IP length. Dummy packets (next header 59) are dropped and counted, not as errors.
/// </summary>
public sealed class TfcPaddingTests
{
    // Outer IPv4 20 + SPI/sequence 8 + IV 8 + ICV 16.
    private const int GcmTunnelOverhead = 52;

    [Fact]
    public void Short_packets_of_different_lengths_leave_with_the_same_length_and_arrive_byte_for_byte()
    {
        var net = TunnelWithTfc(1000);
        MibWatch mib = net.Watch();
        byte[] small = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 10);
        byte[] larger = Traffic.Tcp(net.WestHostAddress, net.EastHostAddress, 40000, 443, 700);

        int[] wireLengths = [SendAndMeasure(net, small), SendAndMeasure(net, larger)];

        // 1000 bytes of padded inner packet + ESP padding 2 + pad length + next header: 1004 encrypted bytes.
        Assert.Equal([GcmTunnelOverhead + 1004, GcmTunnelOverhead + 1004], wireLengths);
        Assert.Equal([small, larger], net.EastHost.Inbox);
        mib.AssertNone();
    }

    [Fact]
    public void The_padding_is_zeros_between_the_inner_packet_and_the_esp_padding()
    {
        var net = TunnelWithTfc(200);
        byte[] inner = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 50);

        byte[] wire = new WireTap(net.WestGateway).Protect(inner);

        byte[] plaintext = EspTestData.OpenByHand(SiteToSite.KeyFor(SiteToSite.WestToEastSpi), wire.AsSpan(Ipv4Header.MinLength), 1);
        Assert.Equal(200 + 2 + 2, plaintext.Length);
        Assert.Equal(inner, plaintext[..inner.Length]);
        Assert.All(plaintext[inner.Length..200], b => Assert.Equal(0, b));
        Assert.Equal([1, 2, 2, (byte)IpProtocol.IpInIp], plaintext[200..]);
    }

    [Fact]
    public void A_packet_longer_than_the_tfc_length_is_not_padded()
    {
        var padded = TunnelWithTfc(100);
        var plain = new SiteToSite();
        byte[] inner = Traffic.Udp(plain.WestHostAddress, plain.EastHostAddress, 5000, 53, 300);

        Assert.Equal(SendAndMeasure(plain, inner), SendAndMeasure(padded, inner));
        Assert.Equal([inner], padded.EastHost.Inbox);
    }

    [Fact]
    public void A_tfc_length_beyond_the_path_mtu_pads_exactly_to_the_link_mtu()
    {
        var net = TunnelWithTfc(SecurityAssociation.MaxTfcPadding);
        MibWatch mib = net.Watch();
        byte[] small = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 10);
        byte[] fitting = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 1446 - 28, dontFragment: true);

        Assert.Equal([1500, 1500], new[] { SendAndMeasure(net, small), SendAndMeasure(net, fitting) });
        Assert.Equal([small, fitting], net.EastHost.Inbox);
        mib.AssertNone();
    }

    [Fact]
    public void The_path_limit_accounts_for_an_outer_sa_of_the_bundle()
    {
        // The TFC SA is the inner ESP tunnel; an outer ESP tunnel adds its own 52 bytes (+ its padding) on the same link.
        var net = new SiteToSite(configure: false);
        var gateway = new WireTap(net.WestGateway, new XfrmOutputOptions { LinkMtu = 1500 });
        SecurityAssociation tfcInner = TfcSa(net.WestGatewayOuter, net.EastGatewayOuter, 0x7001, SecurityAssociation.MaxTfcPadding, reqId: 7);
        SecurityAssociation outer = SiteToSite.TunnelSa(net.WestGatewayOuter, net.EastGatewayOuter, 0x7002, null, reqId: 8);
        Assert.Equal(SadStatus.Ok, net.WestGateway.Engine.States.Add(tfcInner));
        Assert.Equal(SadStatus.Ok, net.WestGateway.Engine.States.Add(outer));
        var policy = new SecurityPolicy(
            PolicyDirection.Out,
            new Selector(IpPrefix.Host(net.WestHostAddress), IpPrefix.Host(net.EastHostAddress)),
            PolicyAction.Ipsec,
            [
                new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = net.WestGatewayOuter, TunnelDestination = net.EastGatewayOuter, ReqId = 7 },
                new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = net.WestGatewayOuter, TunnelDestination = net.EastGatewayOuter, ReqId = 8 },
            ]);
        Assert.Equal(SpdStatus.Ok, net.WestGateway.Engine.Policies.Add(policy));

        byte[] wire = gateway.Protect(Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 10));

        Assert.InRange(wire.Length, 1500 - 3, 1500);
    }

    [Theory]
    [InlineData(IpsecProtocol.Esp, XfrmMode.Transport, 100)]
    [InlineData(IpsecProtocol.Esp, XfrmMode.Beet, 100)]
    [InlineData(IpsecProtocol.Ah, XfrmMode.Tunnel, 100)]
    [InlineData(IpsecProtocol.Esp, XfrmMode.Tunnel, -1)]
    [InlineData(IpsecProtocol.Esp, XfrmMode.Tunnel, SecurityAssociation.MaxTfcPadding + 1)]
    public void The_sad_refuses_tfc_padding_outside_esp_tunnel_mode_or_out_of_range(IpsecProtocol protocol, XfrmMode mode, int tfcPadding)
    {
        var net = new SiteToSite(configure: false);
        SecurityAssociation sa = new(new SaId(net.EastGatewayOuter, 0x7003, protocol), net.WestGatewayOuter, mode)
        {
            Encryption = protocol == IpsecProtocol.Esp ? new SaAlgorithm(SiteToSite.AesGcm16, SiteToSite.KeyFor(0x7003)) : null,
            Authentication = protocol == IpsecProtocol.Ah ? new SaAlgorithm(2, new byte[20]) : null,
            TfcPadding = tfcPadding,
        };

        Assert.Equal(SadStatus.Invalid, net.WestGateway.Engine.States.Add(sa));
    }

    [Fact]
    public void Without_a_path_limit_the_transform_pads_to_the_tfc_length()
    {
        var pool = new PacketPool(capacity: 4, diagnostics: true);
        SecurityAssociation sa = TfcSa(TestPackets.V4Source, TestPackets.V4Destination, 0x7004, 300);
        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Init(sa));
        byte[] inner = TestPackets.Ipv4(IpProtocol.Udp, TestPackets.Udp(1, 2, 20));
        Packet packet = EspTestData.OutputLayout(pool, TestPackets.Ipv4(IpProtocol.IpInIp, []), inner, IpProtocol.IpInIp, Ipv4Header.ProtocolOffset);

        Assert.Equal(TransformStatus.Ok, EspTransform.Instance.Output(sa, packet, 1));

        Assert.Equal(Ipv4Header.MinLength + 16 + 300 + 2 + 2 + 16, packet.Length);
        pool.Return(packet);
    }

    [Fact]
    public void A_dummy_packet_moves_the_replay_window_and_is_dropped_and_counted_apart_from_the_mib()
    {
        var net = new SiteToSite();
        MibWatch mib = net.Watch();
        byte[] real = new WireTap(net.WestGateway).Protect(Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 40));
        int plaintextLength = real.Length - Ipv4Header.MinLength - 16 - 16;
        byte[] plaintext = new byte[plaintextLength];
        plaintext[^2] = 0; // no padding: the pad length and next header end a 4-byte unit already
        plaintext[^1] = (byte)IpProtocol.NoNextHeader;
        byte[] esp = EspTestData.SealByHand(SiteToSite.KeyFor(SiteToSite.WestToEastSpi), SiteToSite.WestToEastSpi, 2, 0x1234, plaintext);
        byte[] dummy = [.. real.AsSpan(0, Ipv4Header.MinLength), .. esp];

        Assert.Equal(XfrmVerdict.Dummy, WireTap.Inject(net.EastGateway, dummy));

        Assert.Equal(1, net.EastGateway.Input.DummyPackets);
        Assert.Empty(net.EastHost.Inbox);
        mib.AssertNone();
        Assert.Equal(0, net.EastGateway.Pool.RentedCount);
        Assert.Equal(2ul, SiteToSite.StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi).ReplayWindow!.Highest);

        // Authentic, so it took its sequence number: a replay of it is a replay.
        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(net.EastGateway, dummy));
        mib.AssertOnly(net.EastGateway, DropReason.InStateSeqError);
    }

    /// <summary>The site-to-site tunnel with the west-to-east SA padding to <paramref name="tfcPadding"/> on both gateways.</summary>
    private static SiteToSite TunnelWithTfc(int tfcPadding)
    {
        var net = new SiteToSite();
        foreach (SimulatedHost gateway in new[] { net.WestGateway, net.EastGateway })
        {
            SecurityAssociation padded = TfcSa(net.WestGatewayOuter, net.EastGatewayOuter, SiteToSite.WestToEastSpi, tfcPadding, new Selector(net.WestSite, net.EastSite));
            SiteToSite.ReplaceState(gateway, padded);
        }

        return net;
    }

    private static SecurityAssociation TfcSa(IpAddress source, IpAddress destination, uint spi, int tfcPadding, Selector? inner = null, uint reqId = 1) =>
        new(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Tunnel)
        {
            ReqId = reqId,
            Encryption = new SaAlgorithm(SiteToSite.AesGcm16, SiteToSite.KeyFor(spi)),
            ReplayWindowSize = 64,
            InnerSelector = inner,
            TfcPadding = tfcPadding,
        };

    /// <summary>Sends from the west host and returns the length of the ESP packet between the gateways.</summary>
    private static int SendAndMeasure(SiteToSite net, byte[] packet)
    {
        int before = net.Network.Wire.Count;
        Assert.Equal(XfrmVerdict.Bypassed, net.WestHost.Send(packet));
        byte[] esp = net.Network.Wire[before + 1];
        Assert.Equal((byte)IpProtocol.Esp, esp[9]);
        return BinaryPrimitives.ReadUInt16BigEndian(esp.AsSpan(2));
    }
}

using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;
using Netipsec.Transforms.IpComp;

namespace Netipsec.Tests.Transforms.IpComp;

/// <summary>
/// An IPComp tunnel between the simulated gateways (IPv4 or IPv6 outside): packets that do not compress leave as
/// plain IP-in-IP between the gateways (RFC 3173 §2.2, Linux's companion IPIP state), and the receiving gateway takes
/// IP-in-IP from its peer as that SA's traffic: decapsulated, with the companion on the secpath, accepted by an
/// optional IPComp template only.
/// </summary>
public sealed class IpCompTunnelCompanionTests
{
    private const uint WestToEastCpi = 0x3001;
    private const uint EastToWestCpi = 0x3002;
    private const uint ReqId = 5;
    private const byte Deflate = 2;

    public static TheoryData<IpVersion> Outers => new() { IpVersion.V4, IpVersion.V6 };

    [Theory]
    [MemberData(nameof(Outers))]
    public void A_small_packet_crosses_as_ip_in_ip_and_a_compressible_one_as_ipcomp_both_byte_for_byte(IpVersion outer)
    {
        SiteToSite net = IpCompTunnel(outer, TemplateLevel.Use);
        MibWatch mib = net.Watch();
        byte[] small = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 40);
        byte[] large = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 1200);

        Assert.Equal(XfrmVerdict.Bypassed, net.WestHost.Send(small));
        byte[] smallOnWire = net.Network.Wire[^2];
        Assert.Equal(XfrmVerdict.Bypassed, net.WestHost.Send(large));
        byte[] largeOnWire = net.Network.Wire[^2];

        Assert.Equal(IpProtocol.IpInIp, OuterProtocol(smallOnWire));
        Assert.Equal(IpProtocol.IpComp, OuterProtocol(largeOnWire));
        Assert.Equal([small, large], net.EastHost.Inbox);
        mib.AssertNone();
        SecurityAssociation eastIn = StateOf(net.EastGateway, net.EastGatewayOuter, WestToEastCpi);
        Assert.Equal(1ul, eastIn.Current.Packets); // only the compressed packet went through the IPComp SA itself
    }

    [Fact]
    public void The_secpath_of_an_uncompressed_packet_holds_the_companion_of_the_ipcomp_sa()
    {
        SiteToSite net = IpCompTunnel(IpVersion.V4, TemplateLevel.Use);
        byte[] small = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 40);
        byte[] wire = new WireTap(net.WestGateway).Protect(small);
        var recorder = new SecPathRecorder();
        var input = new XfrmInput(net.EastGateway.Engine, recorder);

        Assert.Equal(XfrmVerdict.Passed, input.Input(Copy(net.EastGateway, wire)));

        (byte[] delivered, uint[] secPath) = Assert.Single(recorder.Delivered);
        Assert.Equal(small, delivered);
        Assert.Equal([WestToEastCpi], secPath);
        SecurityAssociation ipcomp = StateOf(net.EastGateway, net.EastGatewayOuter, WestToEastCpi);
        Assert.True(ipcomp.TunnelCompanion!.IsTunnelCompanion);
        Assert.False(ipcomp.IsTunnelCompanion);
    }

    [Fact]
    public void A_required_ipcomp_template_refuses_the_uncompressed_packet_as_linux_does()
    {
        SiteToSite net = IpCompTunnel(IpVersion.V4, TemplateLevel.Require);
        MibWatch mib = net.Watch();
        byte[] small = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 40);
        byte[] large = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 1200);

        net.WestHost.Send(small);
        net.WestHost.Send(large);

        Assert.Equal([large], net.EastHost.Inbox);
        mib.AssertOnly(net.EastGateway, DropReason.InTmplMismatch);
    }

    [Fact]
    public void Ip_in_ip_from_another_address_is_not_the_sas_and_reaches_the_policy_check_as_it_is()
    {
        SiteToSite net = IpCompTunnel(IpVersion.V4, TemplateLevel.Use);
        byte[] inner = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 40);
        byte[] stranger = Ipv4InIpv4(IpAddress.Parse("192.0.2.99"), net.EastGatewayOuter, inner);
        var recorder = new SecPathRecorder();
        var input = new XfrmInput(net.EastGateway.Engine, recorder);

        Assert.Equal(XfrmVerdict.Passed, input.Input(Copy(net.EastGateway, stranger)));

        (byte[] delivered, uint[] secPath) = Assert.Single(recorder.Delivered);
        Assert.Equal(stranger, delivered);
        Assert.Empty(secPath);
    }

    [Fact]
    public void An_inner_packet_outside_the_sas_selector_is_a_state_mismatch()
    {
        SiteToSite net = IpCompTunnel(IpVersion.V4, TemplateLevel.Use);
        MibWatch mib = net.Watch();
        byte[] foreign = Traffic.Udp(IpAddress.Parse("192.0.2.50"), net.EastHostAddress, 5000, 53, 40);

        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(net.EastGateway, Ipv4InIpv4(net.WestGatewayOuter, net.EastGatewayOuter, foreign)));

        mib.AssertOnly(net.EastGateway, DropReason.InStateMismatch);
    }

    [Fact]
    public void A_truncated_inner_packet_is_a_mode_error()
    {
        SiteToSite net = IpCompTunnel(IpVersion.V4, TemplateLevel.Use);
        MibWatch mib = net.Watch();
        byte[] inner = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 40);

        byte[] truncated = Ipv4InIpv4(net.WestGatewayOuter, net.EastGatewayOuter, inner[..10]);
        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(net.EastGateway, truncated));

        mib.AssertOnly(net.EastGateway, DropReason.InStateModeError);
    }

    [Fact]
    public void A_deleted_ipcomp_sa_no_longer_claims_ip_in_ip_and_its_companion_is_dead()
    {
        SiteToSite net = IpCompTunnel(IpVersion.V4, TemplateLevel.Use);
        SecurityAssociation ipcomp = StateOf(net.EastGateway, net.EastGatewayOuter, WestToEastCpi);
        byte[] wire = new WireTap(net.WestGateway).Protect(Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 40));
        Assert.Equal(SadStatus.Ok, net.EastGateway.Engine.States.Delete(ipcomp.Id));
        var recorder = new SecPathRecorder();

        Assert.Equal(XfrmVerdict.Passed, new XfrmInput(net.EastGateway.Engine, recorder).Input(Copy(net.EastGateway, wire)));

        Assert.Equal(wire, Assert.Single(recorder.Delivered).Packet); // plain IP-in-IP now, nothing decapsulated
        Assert.Equal(SaState.Dead, ipcomp.TunnelCompanion!.State);
    }

    [Fact]
    public void The_rx_path_counts_ipcomp_packets_without_an_sa_for_an_unusable_sa_and_refused_by_policy()
    {
        SiteToSite net = IpCompTunnel(IpVersion.V4, TemplateLevel.Use);
        var tap = new WireTap(net.WestGateway);
        byte[] compressed = tap.Protect(Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 1200));
        byte[] uncompressed = tap.Protect(Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 40));
        // A receiver of its own, so its transform's counters are not shared with other tests.
        var transform = new IpCompTransform();
        var engine = new XfrmEngine(net.Clock, new XfrmTypeRegistry(EspTransform.Instance, transform));
        Assert.Equal(SadStatus.Ok, engine.States.Add(IpCompSa(net.WestGatewayOuter, net.EastGatewayOuter, WestToEastCpi, new Selector(net.WestSite, net.EastSite))));
        AddPolicies(engine.Policies, net.EastSite, net.WestSite, net.EastGatewayOuter, net.WestGatewayOuter, TemplateLevel.Require);
        var input = new XfrmInput(engine, new SecPathRecorder());
        byte[] unknownCpi = (byte[])compressed.Clone();
        unknownCpi[Ipv4Header.MinLength + 3] ^= 0xFF;

        Assert.Equal(XfrmVerdict.Dropped, input.Input(Copy(net.EastGateway, uncompressed))); // companion vs required template
        Assert.Equal(XfrmVerdict.Dropped, input.Input(Copy(net.EastGateway, unknownCpi)));
        Assert.Equal(SadStatus.Ok, engine.States.Delete(new SaId(net.EastGatewayOuter, WestToEastCpi, IpsecProtocol.IpComp)));
        Assert.Equal(SadStatus.Ok, engine.States.GetSpi(net.EastGatewayOuter, net.WestGatewayOuter, IpsecProtocol.IpComp, XfrmMode.Tunnel, ReqId, WestToEastCpi, WestToEastCpi, 0, out _));
        Assert.Equal(XfrmVerdict.Dropped, input.Input(Copy(net.EastGateway, compressed))); // its CPI names a larval state now

        Assert.Equal((1L, 1L, 1L), (transform.Statistics[IpCompCounter.PolicyDrops], transform.Statistics[IpCompCounter.NoState], transform.Statistics[IpCompCounter.Invalid]));
        Assert.Equal((1L, 1L, 1L), (engine.Statistics[DropReason.InTmplMismatch], engine.Statistics[DropReason.InNoStates], engine.Statistics[DropReason.InStateInvalid]));
    }

    /// <summary>IPComp tunnel SAs both ways between the gateways, with in/fwd templates at <paramref name="inboundLevel"/>.</summary>
    private static SiteToSite IpCompTunnel(IpVersion outer, TemplateLevel inboundLevel)
    {
        var net = new SiteToSite(IpVersion.V4, outer, configure: false);
        foreach (SimulatedHost gateway in new[] { net.WestGateway, net.EastGateway })
        {
            Assert.Equal(SadStatus.Ok, gateway.Engine.States.Add(IpCompSa(net.WestGatewayOuter, net.EastGatewayOuter, WestToEastCpi, new Selector(net.WestSite, net.EastSite))));
            Assert.Equal(SadStatus.Ok, gateway.Engine.States.Add(IpCompSa(net.EastGatewayOuter, net.WestGatewayOuter, EastToWestCpi, new Selector(net.EastSite, net.WestSite))));
        }

        AddPolicies(net.WestGateway.Engine.Policies, net.WestSite, net.EastSite, net.WestGatewayOuter, net.EastGatewayOuter, inboundLevel);
        AddPolicies(net.EastGateway.Engine.Policies, net.EastSite, net.WestSite, net.EastGatewayOuter, net.WestGatewayOuter, inboundLevel);
        return net;
    }

    private static SecurityAssociation IpCompSa(IpAddress source, IpAddress destination, uint cpi, Selector inner) =>
        new(new SaId(destination, cpi, IpsecProtocol.IpComp), source, XfrmMode.Tunnel)
        {
            ReqId = ReqId,
            Compression = SaAlgorithm.WithoutKey(Deflate),
            InnerSelector = inner,
        };

    private static void AddPolicies(SecurityPolicyDatabase spd, IpPrefix local, IpPrefix remote, IpAddress localOuter, IpAddress remoteOuter, TemplateLevel inboundLevel)
    {
        PolicyTemplate outbound = new(IpsecProtocol.IpComp, XfrmMode.Tunnel) { TunnelSource = localOuter, TunnelDestination = remoteOuter, ReqId = ReqId };
        PolicyTemplate inbound = new(IpsecProtocol.IpComp, XfrmMode.Tunnel) { TunnelSource = remoteOuter, TunnelDestination = localOuter, ReqId = ReqId, Level = inboundLevel };
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(local, remote), PolicyAction.Ipsec, [outbound])));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(remote, local), PolicyAction.Ipsec, [inbound])));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Fwd, new Selector(remote, local), PolicyAction.Ipsec, [inbound])));
    }

    private static SecurityAssociation StateOf(SimulatedHost host, IpAddress destination, uint cpi)
    {
        Assert.True(host.Engine.States.TryLookupBySpi(destination, cpi, IpsecProtocol.IpComp, out SecurityAssociation? sa));
        return sa;
    }

    private static IpProtocol OuterProtocol(byte[] packet) => (IpProtocol)(packet[0] >> 4 == 4 ? packet[9] : packet[6]);

    /// <summary>An IPv4 header from <paramref name="source"/> to <paramref name="destination"/> with protocol 4 in front of <paramref name="inner"/>.</summary>
    private static byte[] Ipv4InIpv4(IpAddress source, IpAddress destination, byte[] inner)
    {
        byte[] packet = new byte[Ipv4Header.MinLength + inner.Length];
        _ = new Ipv4Header(packet)
        {
            Version = 4,
            HeaderLength = Ipv4Header.MinLength,
            TotalLength = (ushort)packet.Length,
            TimeToLive = 64,
            Protocol = IpProtocol.IpInIp,
            Source = source,
            Destination = destination,
        };
        new Ipv4Header(packet).UpdateChecksum();
        inner.CopyTo(packet, Ipv4Header.MinLength);
        return packet;
    }

    private static Packet Copy(SimulatedHost host, byte[] bytes)
    {
        Packet packet = host.Pool.Rent();
        bytes.CopyTo(packet.Put(bytes.Length));
        return packet;
    }
}

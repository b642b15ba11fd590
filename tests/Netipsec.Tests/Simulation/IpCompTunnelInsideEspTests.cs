using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// IPComp in tunnel mode inside ESP in transport mode between the gateways (racoon's and strongSwan's compression
/// bundle, templates [IPComp tunnel, ESP transport]), as the daemon's setkey configuration installs it: IPComp SAs
/// without an inner selector. A packet too small to compress leaves as IP-in-IP inside ESP (RFC 3173 §2.2); the
/// receiver decrypts the ESP, hands the IP-in-IP to the IPComp SA's companion and accepts it under an optional
/// inbound IPComp template.
/// </summary>
public sealed class IpCompTunnelInsideEspTests
{
    private const uint EspWestToEast = 0x6003;
    private const uint EspEastToWest = 0x6004;
    private const uint CpiWestToEast = 0x6001;
    private const uint CpiEastToWest = 0x6002;
    private const byte Deflate = 2;

    [Theory]
    [InlineData(16)]
    [InlineData(60)]
    public void A_small_packet_goes_uncompressed_as_ip_in_ip_inside_esp_and_is_delivered_byte_for_byte_both_ways(int payload)
    {
        SiteToSite net = Bundle(TemplateLevel.Use);
        MibWatch mib = net.Watch();
        byte[] request = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, payload);
        byte[] reply = Traffic.Udp(net.EastHostAddress, net.WestHostAddress, 53, 5000, payload);

        byte[] wire = new WireTap(net.WestGateway).Protect(request);
        Assert.Equal(IpProtocol.Esp, (IpProtocol)wire[9]);
        net.WestHost.Send(request);
        net.EastHost.Send(reply);

        Assert.Equal([request], net.EastHost.Inbox);
        Assert.Equal([reply], net.WestHost.Inbox);
        mib.AssertNone();
        Assert.Equal(0ul, IpCompState(net.EastGateway, net.EastGatewayOuter, CpiWestToEast).Current.Packets); // never compressed
    }

    [Fact]
    public void The_secpath_of_the_small_packet_holds_the_esp_sa_then_the_ipcomp_companion()
    {
        SiteToSite net = Bundle(TemplateLevel.Use);
        byte[] request = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 16);
        byte[] wire = new WireTap(net.WestGateway).Protect(request);
        var recorder = new SecPathRecorder();

        Packet packet = net.EastGateway.Pool.Rent();
        wire.CopyTo(packet.Put(wire.Length));
        Assert.Equal(XfrmVerdict.Passed, new XfrmInput(net.EastGateway.Engine, recorder).Input(packet));

        (byte[] delivered, uint[] secPath) = Assert.Single(recorder.Delivered);
        Assert.Equal(request, delivered);
        Assert.Equal([EspWestToEast, CpiWestToEast], secPath);
    }

    [Fact]
    public void A_compressible_packet_is_compressed_inside_esp_and_delivered_byte_for_byte()
    {
        SiteToSite net = Bundle(TemplateLevel.Use);
        MibWatch mib = net.Watch();
        byte[] request = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 1200);

        net.WestHost.Send(request);

        Assert.Equal([request], net.EastHost.Inbox);
        mib.AssertNone();
        Assert.Equal(1ul, IpCompState(net.EastGateway, net.EastGatewayOuter, CpiWestToEast).Current.Packets);
    }

    [Fact]
    public void A_required_inbound_ipcomp_template_refuses_the_small_packet_as_linux_does()
    {
        SiteToSite net = Bundle(TemplateLevel.Require);
        MibWatch mib = net.Watch();

        net.WestHost.Send(Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 16));

        Assert.Empty(net.EastHost.Inbox);
        mib.AssertOnly(net.EastGateway, DropReason.InTmplMismatch);
    }

    /// <summary>The ESP transport and IPComp tunnel SAs both ways on both gateways, and the bundle's policies; inbound IPComp at <paramref name="inboundIpComp"/>.</summary>
    private static SiteToSite Bundle(TemplateLevel inboundIpComp)
    {
        var net = new SiteToSite(configure: false);
        foreach (SimulatedHost gateway in new[] { net.WestGateway, net.EastGateway })
        {
            SecurityAssociationDatabase sad = gateway.Engine.States;
            Assert.Equal(SadStatus.Ok, sad.Add(HostToHost.TransportSa(net.WestGatewayOuter, net.EastGatewayOuter, EspWestToEast, reqId: 0)));
            Assert.Equal(SadStatus.Ok, sad.Add(HostToHost.TransportSa(net.EastGatewayOuter, net.WestGatewayOuter, EspEastToWest, reqId: 0)));
            Assert.Equal(SadStatus.Ok, sad.Add(IpCompSa(net.WestGatewayOuter, net.EastGatewayOuter, CpiWestToEast)));
            Assert.Equal(SadStatus.Ok, sad.Add(IpCompSa(net.EastGatewayOuter, net.WestGatewayOuter, CpiEastToWest)));
        }

        AddPolicies(net.WestGateway.Engine.Policies, net.WestSite, net.EastSite, net.WestGatewayOuter, net.EastGatewayOuter, inboundIpComp);
        AddPolicies(net.EastGateway.Engine.Policies, net.EastSite, net.WestSite, net.EastGatewayOuter, net.WestGatewayOuter, inboundIpComp);
        return net;
    }

    private static SecurityAssociation IpCompSa(IpAddress source, IpAddress destination, uint cpi) =>
        new(new SaId(destination, cpi, IpsecProtocol.IpComp), source, XfrmMode.Tunnel) { Compression = SaAlgorithm.WithoutKey(Deflate) };

    private static void AddPolicies(SecurityPolicyDatabase spd, IpPrefix local, IpPrefix remote, IpAddress localOuter, IpAddress remoteOuter, TemplateLevel inboundIpComp)
    {
        PolicyTemplate[] outbound =
        [
            new(IpsecProtocol.IpComp, XfrmMode.Tunnel) { TunnelSource = localOuter, TunnelDestination = remoteOuter },
            new(IpsecProtocol.Esp, XfrmMode.Transport),
        ];
        PolicyTemplate[] inbound =
        [
            new(IpsecProtocol.IpComp, XfrmMode.Tunnel) { TunnelSource = remoteOuter, TunnelDestination = localOuter, Level = inboundIpComp },
            new(IpsecProtocol.Esp, XfrmMode.Transport),
        ];
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(local, remote), PolicyAction.Ipsec, outbound)));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(remote, local), PolicyAction.Ipsec, inbound)));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Fwd, new Selector(remote, local), PolicyAction.Ipsec, inbound)));
    }

    private static SecurityAssociation IpCompState(SimulatedHost host, IpAddress destination, uint cpi)
    {
        Assert.True(host.Engine.States.TryLookupBySpi(destination, cpi, IpsecProtocol.IpComp, out SecurityAssociation? sa));
        return sa;
    }
}

using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Transforms.Ah;

namespace Netipsec.Tests.Simulation;

/// <summary>The site-to-site network with an AH tunnel (HMAC-SHA-256-128) between the gateways instead of ESP.</summary>
public sealed class AhTunnelTests
{
    [Theory]
    [InlineData(IpVersion.V4)]
    [InlineData(IpVersion.V6)]
    public void Traffic_crosses_the_ah_tunnel_authenticated_but_in_the_clear(IpVersion outer)
    {
        SiteToSite net = Configure(outer);
        byte[] request = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 201);
        byte[] reply = Traffic.Tcp(net.EastHostAddress, net.WestHostAddress, 443, 40000, 300);

        net.WestHost.Send(request);
        net.EastHost.Send(reply);

        Assert.Equal([request], net.EastHost.Inbox);
        Assert.Equal([reply], net.WestHost.Inbox);
        Assert.Equal(0, new SimulatedHostCounters(net.WestGateway).Total);
        Assert.Equal(0, new SimulatedHostCounters(net.EastGateway).Total);
        // AH does not encrypt: the inner packets travel as they are, behind the outer header and AH.
        Assert.Equal(2, net.Network.Wire.Count(IsAh));
        Assert.Contains(net.Network.Wire, packet => IsAh(packet) && packet.AsSpan().IndexOf(request) > 0);
        Assert.Contains(net.Network.Wire, packet => IsAh(packet) && packet.AsSpan().IndexOf(reply) > 0);
        Assert.Equal(1ul, StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi).ReplayWindow!.Highest);
    }

    [Fact]
    public void A_byte_changed_in_transit_is_dropped_as_an_integrity_failure()
    {
        SiteToSite net = Configure(IpVersion.V4);
        byte[] plain = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 40);
        byte[] wire = new WireTap(net.WestGateway).Protect(plain);
        Assert.True(IsAh(wire));
        byte[] tampered = [.. wire];
        tampered[^5] ^= 0x01; // inside the inner packet, which AH authenticates but does not hide
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(net.EastGateway, tampered));
        SecurityAssociation inbound = StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi);
        Assert.Equal(1, inbound.Statistics[SaCounter.IntegrityFailures]);
        Assert.Equal(XfrmVerdict.Passed, WireTap.Inject(net.EastGateway, wire));
        Assert.Equal([plain], net.EastHost.Inbox);
        mib.AssertOnly(net.EastGateway, DropReason.InStateProtoError);
    }

    private static bool IsAh(byte[] packet) =>
        packet[0] >> 4 == 4 ? packet[9] == (byte)IpProtocol.Ah : packet[6] == (byte)IpProtocol.Ah;

    private static SecurityAssociation StateOf(SimulatedHost gateway, IpAddress destination, uint spi)
    {
        Assert.True(gateway.Engine.States.TryLookupBySpi(destination, spi, IpsecProtocol.Ah, out SecurityAssociation? sa));
        return sa;
    }

    private static SiteToSite Configure(IpVersion outer)
    {
        var net = new SiteToSite(IpVersion.V4, outer, configure: false);
        foreach ((SimulatedHost gateway, IpPrefix local, IpPrefix remote, IpAddress localOuter, IpAddress remoteOuter) in new[]
        {
            (net.WestGateway, net.WestSite, net.EastSite, net.WestGatewayOuter, net.EastGatewayOuter),
            (net.EastGateway, net.EastSite, net.WestSite, net.EastGatewayOuter, net.WestGatewayOuter),
        })
        {
            PolicyTemplate outbound = new(IpsecProtocol.Ah, XfrmMode.Tunnel) { TunnelSource = localOuter, TunnelDestination = remoteOuter, ReqId = 1 };
            PolicyTemplate inbound = new(IpsecProtocol.Ah, XfrmMode.Tunnel) { TunnelSource = remoteOuter, TunnelDestination = localOuter, ReqId = 1 };
            SecurityPolicyDatabase spd = gateway.Engine.Policies;
            Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(local, remote), PolicyAction.Ipsec, [outbound])));
            Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(remote, local), PolicyAction.Ipsec, [inbound])));
            Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Fwd, new Selector(remote, local), PolicyAction.Ipsec, [inbound])));

            Install(net, gateway, localOuter, localOuter, remoteOuter, new Selector(local, remote));
            Install(net, gateway, localOuter, remoteOuter, localOuter, new Selector(remote, local));
        }

        return net;
    }

    private static void Install(SiteToSite net, SimulatedHost gateway, IpAddress localOuter, IpAddress source, IpAddress destination, Selector inner)
    {
        // One SPI per direction, the same on both gateways.
        uint spi = source == net.WestGatewayOuter ? SiteToSite.WestToEastSpi : SiteToSite.EastToWestSpi;
        var sa = new SecurityAssociation(new SaId(destination, spi, IpsecProtocol.Ah), source, XfrmMode.Tunnel)
        {
            ReqId = 1,
            Authentication = new SaAlgorithm(AhTestData.HmacSha256, AhTestData.Key(32, first: (byte)spi)),
            Flags = SaFlags.Tunnel | (source == localOuter ? SaFlags.Outbound : SaFlags.Inbound),
            ReplayWindowSize = 64,
            InnerSelector = inner,
        };
        Assert.Equal(SadStatus.Ok, gateway.Engine.States.Add(sa));
    }
}

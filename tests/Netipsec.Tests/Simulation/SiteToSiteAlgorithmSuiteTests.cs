using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Transforms.Esp;
using Netipsec.Transforms;

namespace Netipsec.Tests.Simulation;

/// <summary>The site-to-site tunnel with every ESP algorithm suite the portable engine runs.</summary>
public sealed class SiteToSiteAlgorithmSuiteTests
{
    public static TheoryData<string, IpVersion> Suites
    {
        get
        {
            var data = new TheoryData<string, IpVersion>();
            foreach (EspSuite suite in EspSuite.All)
            {
                // Alternate the outer family so both IPv4 and IPv6 tunnels see every kind of algorithm.
                data.Add(suite.Name, data.Count % 2 == 0 ? IpVersion.V4 : IpVersion.V6);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Traffic_crosses_the_tunnel_byte_for_byte(string name, IpVersion outer) =>
        CrossTunnel(EspSuite.All.Single(s => s.Name == name), outer);

    /// <summary>
    /// Joins the sites by an ESP tunnel of <paramref name="suite"/> (on the gateways' <paramref name="types"/>, the
    /// portable engine when null), sends requests and a reply across it and checks they arrive unchanged and undropped.
    /// </summary>
    internal static SiteToSite CrossTunnel(EspSuite suite, IpVersion outer, XfrmTypeRegistry? types = null, bool esn = false)
    {
        var net = new SiteToSite(IpVersion.V4, outer, configure: false, gatewayTypes: types);
        Assert.Equal(SpdStatus.Ok, net.Scenario.InstallPolicies());
        foreach ((SimulatedHost gateway, IpAddress localOuter) in new[] { (net.WestGateway, net.WestGatewayOuter), (net.EastGateway, net.EastGatewayOuter) })
        {
            Install(gateway, localOuter, suite, net.WestGatewayOuter, net.EastGatewayOuter, SiteToSite.WestToEastSpi, new Selector(net.WestSite, net.EastSite), esn);
            Install(gateway, localOuter, suite, net.EastGatewayOuter, net.WestGatewayOuter, SiteToSite.EastToWestSpi, new Selector(net.EastSite, net.WestSite), esn);
        }

        byte[][] requests =
        [
            Traffic.Ping(net.WestHostAddress, net.EastHostAddress),
            Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 201),
            Traffic.Tcp(net.WestHostAddress, net.EastHostAddress, 40000, 443, 1000),
        ];
        foreach (byte[] request in requests)
        {
            net.WestHost.Send(request);
        }

        byte[] reply = Traffic.Udp(net.EastHostAddress, net.WestHostAddress, 53, 5000, 77);
        net.EastHost.Send(reply);

        Assert.Equal(requests, net.EastHost.Inbox);
        Assert.Equal([reply], net.WestHost.Inbox);
        Assert.Equal(0, new SimulatedHostCounters(net.WestGateway).Total);
        Assert.Equal(0, new SimulatedHostCounters(net.EastGateway).Total);
        Assert.Equal(3ul, SiteToSite.StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi).ReplayWindow!.Highest);
        return net;
    }

    private static void Install(
        SimulatedHost gateway, IpAddress localOuter, EspSuite suite, IpAddress source, IpAddress destination, uint spi, Selector inner, bool esn = false)
    {
        var sa = new SecurityAssociation(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Tunnel)
        {
            ReqId = 1,
            Encryption = suite.EncryptionFor(spi),
            Authentication = suite.AuthenticationFor(spi),
            Flags = SaFlags.Tunnel | (source == localOuter ? SaFlags.Outbound : SaFlags.Inbound),
            ReplayWindowSize = 64,
            ExtendedSequenceNumbers = esn,
            InnerSelector = inner,
        };
        Assert.Equal(SadStatus.Ok, gateway.Engine.States.Add(sa));
    }
}

using Microsoft.Extensions.Time.Testing;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.States;
using Netipsec.Transforms;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// Two sites joined by an ESP (AES-GCM) tunnel between their gateways: west (198.51.100.0/24, 2001:db8:1::/64)
/// behind gateway W, east (203.0.113.0/24, 2001:db8:2::/64) behind gateway E; the gateways talk over 192.0.2.0/24
/// and 2001:db8:ff::/64.
/// </summary>
internal sealed class SiteToSite
{
    public const uint WestToEastSpi = SiteToSiteScenario.WestToEastSpi;
    public const uint EastToWestSpi = SiteToSiteScenario.EastToWestSpi;
    public const byte AesGcm16 = 20;

    public SiteToSite(
        IpVersion inner = IpVersion.V4, IpVersion outer = IpVersion.V4, XfrmOutputOptions? options = null, bool configure = true, XfrmTypeRegistry? gatewayTypes = null)
    {
        Clock = SadTestData.NewClock();
        Scenario = new SiteToSiteScenario(Clock, inner, outer, options, gatewayTypes);
        if (configure)
        {
            Assert.Equal(SpdStatus.Ok, Scenario.InstallPolicies());
            InstallStates();
        }
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>The network, hosts and addresses (the product's ready-made scenario).</summary>
    public SiteToSiteScenario Scenario { get; }

    public SimulatedNetwork Network => Scenario.Network;

    public IpPrefix WestSite => Scenario.WestSite;

    public IpPrefix EastSite => Scenario.EastSite;

    public IpAddress WestGatewayOuter => Scenario.WestGatewayOuter;

    public IpAddress EastGatewayOuter => Scenario.EastGatewayOuter;

    public IpAddress WestHostAddress => Scenario.WestHostAddress;

    public IpAddress EastHostAddress => Scenario.EastHostAddress;

    public SimulatedHost WestGateway => Scenario.WestGateway;

    public SimulatedHost EastGateway => Scenario.EastGateway;

    public SimulatedHost WestHost => Scenario.WestHost;

    public SimulatedHost EastHost => Scenario.EastHost;

    /// <summary>Both SAs on both gateways (each gateway holds its outbound and its inbound SA).</summary>
    public void InstallStates(LifetimeLimits soft = default, LifetimeLimits hard = default, int replayWindow = 64, bool esn = false) =>
        Assert.Equal(SadStatus.Ok, Scenario.InstallStates(soft, hard, replayWindow, esn));

    public SecurityAssociation WestToEast(LifetimeLimits soft = default, LifetimeLimits hard = default, int replayWindow = 64, bool esn = false) =>
        TunnelSa(WestGatewayOuter, EastGatewayOuter, WestToEastSpi, new Selector(WestSite, EastSite), soft, hard, replayWindow, esn);

    public SecurityAssociation EastToWest(LifetimeLimits soft = default, LifetimeLimits hard = default, int replayWindow = 64, bool esn = false) =>
        TunnelSa(EastGatewayOuter, WestGatewayOuter, EastToWestSpi, new Selector(EastSite, WestSite), soft, hard, replayWindow, esn);

    public static SecurityAssociation TunnelSa(
        IpAddress source,
        IpAddress destination,
        uint spi,
        Selector? inner,
        LifetimeLimits soft = default,
        LifetimeLimits hard = default,
        int replayWindow = 64,
        bool esn = false,
        ulong initialSequence = 0,
        uint reqId = 1,
        EspPadding padding = EspPadding.Sequential) =>
        new(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Tunnel)
        {
            ReqId = reqId,
            InitialOutboundSequence = initialSequence,
            Encryption = new SaAlgorithm(AesGcm16, KeyFor(spi)),
            ReplayWindowSize = replayWindow,
            ExtendedSequenceNumbers = esn,
            InnerSelector = inner,
            SoftLimits = soft,
            HardLimits = hard,
            Padding = padding,
        };

    /// <summary>128-bit AES key + 32-bit salt, different per SPI.</summary>
    public static byte[] KeyFor(uint spi) => SiteToSiteScenario.DemoKey(spi);

    /// <summary>The SA of one gateway by SPI (each gateway holds both).</summary>
    public static SecurityAssociation StateOf(SimulatedHost gateway, IpAddress destination, uint spi)
    {
        Assert.True(gateway.Engine.States.TryLookupBySpi(destination, spi, IpsecProtocol.Esp, out SecurityAssociation? sa));
        return sa;
    }

    /// <summary>Swaps one host's copy of an SA for <paramref name="replacement"/> (same destination, SPI and protocol).</summary>
    public static void ReplaceState(SimulatedHost host, SecurityAssociation replacement)
    {
        Assert.Equal(SadStatus.Ok, host.Engine.States.Delete(replacement.Id));
        Assert.Equal(SadStatus.Ok, host.Engine.States.Add(replacement));
    }

    public MibWatch Watch() => new(WestHost, WestGateway, EastGateway, EastHost);

    /// <summary>
    /// Runs <paramref name="send"/> and asserts that nothing reached the east host and that the one counter that moved
    /// anywhere is <paramref name="reason"/> on <paramref name="gateway"/>.
    /// </summary>
    public void AssertDroppedOnly(SimulatedHost gateway, DropReason reason, Action send)
    {
        MibWatch mib = Watch();
        send();
        Assert.Empty(EastHost.Inbox);
        mib.AssertOnly(gateway, reason);
    }

    public long Counter(SimulatedHost host, DropReason reason) => host.Engine.Statistics[reason];
}

using Microsoft.Extensions.Time.Testing;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.States;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// Two sites joined by an ESP (AES-GCM) tunnel between their gateways: west (198.51.100.0/24, 2001:db8:1::/64)
/// behind gateway W, east (203.0.113.0/24, 2001:db8:2::/64) behind gateway E; the gateways talk over 192.0.2.0/24
/// and 2001:db8:ff::/64.
/// </summary>
internal sealed class SiteToSite
{
    public const uint WestToEastSpi = 0x1001;
    public const uint EastToWestSpi = 0x2002;
    public const byte AesGcm16 = 20;

    public SiteToSite(IpVersion inner = IpVersion.V4, IpVersion outer = IpVersion.V4, XfrmOutputOptions? options = null, bool configure = true)
    {
        Clock = SadTestData.NewClock();
        Network = new SimulatedNetwork();
        bool v4Inner = inner == IpVersion.V4;
        bool v4Outer = outer == IpVersion.V4;
        WestSite = IpPrefix.Parse(v4Inner ? "198.51.100.0/24" : "2001:db8:1::/64");
        EastSite = IpPrefix.Parse(v4Inner ? "203.0.113.0/24" : "2001:db8:2::/64");
        WestGatewayOuter = IpAddress.Parse(v4Outer ? "192.0.2.1" : "2001:db8:ff::1");
        EastGatewayOuter = IpAddress.Parse(v4Outer ? "192.0.2.2" : "2001:db8:ff::2");
        WestHostAddress = IpAddress.Parse(v4Inner ? "198.51.100.10" : "2001:db8:1::10");
        EastHostAddress = IpAddress.Parse(v4Inner ? "203.0.113.10" : "2001:db8:2::10");

        WestGateway = new SimulatedHost("gw-west", Network, Clock, options)
            .WithAddress(WestGatewayOuter.ToString()).WithAddress(v4Inner ? "198.51.100.1" : "2001:db8:1::1");
        EastGateway = new SimulatedHost("gw-east", Network, Clock, options)
            .WithAddress(EastGatewayOuter.ToString()).WithAddress(v4Inner ? "203.0.113.1" : "2001:db8:2::1");
        WestHost = new SimulatedHost("west", Network, Clock).WithAddress(WestHostAddress.ToString());
        EastHost = new SimulatedHost("east", Network, Clock).WithAddress(EastHostAddress.ToString());
        WestHost.Gateway = WestGateway;
        EastHost.Gateway = EastGateway;
        if (configure)
        {
            ConfigurePolicies(WestGateway, WestSite, EastSite, WestGatewayOuter, EastGatewayOuter);
            ConfigurePolicies(EastGateway, EastSite, WestSite, EastGatewayOuter, WestGatewayOuter);
            InstallStates();
        }
    }

    public FakeTimeProvider Clock { get; }

    public SimulatedNetwork Network { get; }

    public IpPrefix WestSite { get; }

    public IpPrefix EastSite { get; }

    public IpAddress WestGatewayOuter { get; }

    public IpAddress EastGatewayOuter { get; }

    public IpAddress WestHostAddress { get; }

    public IpAddress EastHostAddress { get; }

    public SimulatedHost WestGateway { get; }

    public SimulatedHost EastGateway { get; }

    public SimulatedHost WestHost { get; }

    public SimulatedHost EastHost { get; }

    /// <summary>The out, in and fwd policies one gateway needs for the tunnel.</summary>
    public static void ConfigurePolicies(SimulatedHost gateway, IpPrefix local, IpPrefix remote, IpAddress localOuter, IpAddress remoteOuter)
    {
        PolicyTemplate Tunnel(IpAddress source, IpAddress destination) =>
            new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = source, TunnelDestination = destination, ReqId = 1 };

        SecurityPolicyDatabase spd = gateway.Engine.Policies;
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(local, remote), PolicyAction.Ipsec, [Tunnel(localOuter, remoteOuter)])));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(remote, local), PolicyAction.Ipsec, [Tunnel(remoteOuter, localOuter)])));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Fwd, new Selector(remote, local), PolicyAction.Ipsec, [Tunnel(remoteOuter, localOuter)])));
    }

    /// <summary>Both SAs on both gateways (each gateway holds its outbound and its inbound SA).</summary>
    public void InstallStates(LifetimeLimits soft = default, LifetimeLimits hard = default, int replayWindow = 64, bool esn = false)
    {
        foreach (SimulatedHost gateway in new[] { WestGateway, EastGateway })
        {
            Assert.Equal(SadStatus.Ok, gateway.Engine.States.Add(WestToEast(soft, hard, replayWindow, esn)));
            Assert.Equal(SadStatus.Ok, gateway.Engine.States.Add(EastToWest(soft, hard, replayWindow, esn)));
        }
    }

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
        uint reqId = 1) =>
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
        };

    /// <summary>128-bit AES key + 32-bit salt, different per SPI.</summary>
    public static byte[] KeyFor(uint spi) => [.. Enumerable.Range(0, 20).Select(i => (byte)(spi * 7 + (uint)i))];

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

    public long Counter(SimulatedHost host, DropReason reason) => host.Engine.Statistics[reason];
}

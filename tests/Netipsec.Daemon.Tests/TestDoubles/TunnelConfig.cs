using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;

namespace Netipsec.Daemon.Tests.TestDoubles;

/// <summary>
/// One side of an ESP (AES-GCM-128) tunnel between two sites, installed straight into an engine: out, in and fwd
/// policies and both SAs, as a setkey file would install them.
/// </summary>
internal sealed record TunnelConfig(IpPrefix Local, IpPrefix Remote, IpAddress LocalOuter, IpAddress RemoteOuter, uint OutboundSpi, uint InboundSpi)
{
    private const byte AesGcm16 = 20;

    /// <summary>A host of the west site (behind <see cref="West"/>'s gateway).</summary>
    public static readonly IpAddress WestHost = IpAddress.Parse("198.51.100.10");

    /// <summary>A host of the east site (behind <see cref="East"/>'s gateway).</summary>
    public static readonly IpAddress EastHost = IpAddress.Parse("203.0.113.10");

    public static TunnelConfig West => new(IpPrefix.Parse("198.51.100.0/24"), IpPrefix.Parse("203.0.113.0/24"), IpAddress.Parse("192.0.2.1"), IpAddress.Parse("192.0.2.2"), 0x1001, 0x2002);

    public static TunnelConfig East => new(IpPrefix.Parse("203.0.113.0/24"), IpPrefix.Parse("198.51.100.0/24"), IpAddress.Parse("192.0.2.2"), IpAddress.Parse("192.0.2.1"), 0x2002, 0x1001);

    public void Install(XfrmEngine engine)
    {
        InstallPolicies(engine);
        InstallStates(engine);
    }

    /// <summary>The out, in and fwd policies alone: traffic needs SAs that key management has not installed yet.</summary>
    public void InstallPolicies(XfrmEngine engine)
    {
        PolicyTemplate outbound = new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = LocalOuter, TunnelDestination = RemoteOuter, ReqId = 1 };
        PolicyTemplate inbound = new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = RemoteOuter, TunnelDestination = LocalOuter, ReqId = 1 };
        Assert.Equal(SpdStatus.Ok, engine.Policies.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(Local, Remote), PolicyAction.Ipsec, [outbound])));
        Assert.Equal(SpdStatus.Ok, engine.Policies.Add(new SecurityPolicy(PolicyDirection.In, new Selector(Remote, Local), PolicyAction.Ipsec, [inbound])));
        Assert.Equal(SpdStatus.Ok, engine.Policies.Add(new SecurityPolicy(PolicyDirection.Fwd, new Selector(Remote, Local), PolicyAction.Ipsec, [inbound])));
    }

    /// <summary>Both SAs, as a key manager would install them.</summary>
    public void InstallStates(XfrmEngine engine)
    {
        Assert.Equal(SadStatus.Ok, engine.States.Add(Sa(LocalOuter, RemoteOuter, OutboundSpi, new Selector(Local, Remote), SaFlags.Outbound)));
        Assert.Equal(SadStatus.Ok, engine.States.Add(Sa(RemoteOuter, LocalOuter, InboundSpi, new Selector(Remote, Local), SaFlags.Inbound)));
    }

    private static SecurityAssociation Sa(IpAddress source, IpAddress destination, uint spi, Selector inner, SaFlags direction) =>
        new(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Tunnel)
        {
            ReqId = 1,
            Encryption = new SaAlgorithm(AesGcm16, SiteToSiteScenario.DemoKey(spi)),
            Flags = SaFlags.Tunnel | direction,
            ReplayWindowSize = 64,
            InnerSelector = inner,
        };
}

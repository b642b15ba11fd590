using Microsoft.Extensions.Time.Testing;
using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;
using Netipsec.Tests.States;

namespace Netipsec.Tests.NatTraversal;

/// <summary>
/// Two sites joined by an ESP-in-UDP tunnel, gateway west behind a NAPT box: west host 198.51.100.130 (site
/// 198.51.100.128/25) behind gw-west 198.51.100.1, whose next hop is the NAT (inside 198.51.100.0/24, public 192.0.2.1);
/// east host 203.0.113.10 behind gw-east 192.0.2.2. As IKE would, gw-west first sends an IKE packet from port 4500, which
/// tells gw-east the NAT's port; then both gateways get their policies and UDP-encapsulated SAs.
/// </summary>
internal sealed class TunnelThroughNat
{
    public const uint WestToEastSpi = 0x5001;
    public const uint EastToWestSpi = 0x5002;
    public const ushort IkePort = NatTraversalEncapsulation.DefaultPort;

    public static readonly IpAddress NatPublic = IpAddress.Parse("192.0.2.1");
    public static readonly IpAddress WestOuter = IpAddress.Parse("198.51.100.1");
    public static readonly IpAddress EastOuter = IpAddress.Parse("192.0.2.2");
    public static readonly IpAddress WestHostAddress = IpAddress.Parse("198.51.100.130");
    public static readonly IpAddress EastHostAddress = IpAddress.Parse("203.0.113.10");
    public static readonly IpPrefix WestSite = IpPrefix.Parse("198.51.100.128/25");
    public static readonly IpPrefix EastSite = IpPrefix.Parse("203.0.113.0/24");

    public TunnelThroughNat(XfrmOutputOptions? options = null, NatTraversalOptions? natTraversal = null)
    {
        Clock = SadTestData.NewClock();
        Network = new SimulatedNetwork();
        Nat = new SimulatedNat("nat", Network, NatPublic, IpPrefix.Parse("198.51.100.0/24"));
        WestGateway = new SimulatedHost("gw-west", Network, Clock, options, natTraversal: natTraversal) { Gateway = Nat }.WithAddress("198.51.100.1").WithAddress("198.51.100.129");
        EastGateway = new SimulatedHost("gw-east", Network, Clock, options, natTraversal: natTraversal).WithAddress("192.0.2.2").WithAddress("203.0.113.1");
        WestHost = new SimulatedHost("west", Network, Clock) { Gateway = WestGateway }.WithAddress(WestHostAddress.ToString());
        EastHost = new SimulatedHost("east", Network, Clock) { Gateway = EastGateway }.WithAddress(EastHostAddress.ToString());
        EastGateway.Engine.NatTraversal.IkeHandler = EastIke;
        EastGateway.Engine.Events.Register(EastKeyManager);

        WestGateway.SendUnprotected(NatPackets.Ike(WestOuter, IkePort, EastOuter, IkePort));
        UdpEndpoint westAsSeen = Assert.Single(EastIke.Packets).Source;
        Assert.Equal(NatPublic, westAsSeen.Address);
        WestPublicPort = westAsSeen.Port;

        InstallPolicies(WestGateway, WestSite, EastSite, WestOuter, EastOuter);
        InstallPolicies(EastGateway, EastSite, WestSite, EastOuter, NatPublic);
        foreach (SecurityAssociation sa in new[]
        {
            Sa(WestOuter, EastOuter, WestToEastSpi, WestSite, EastSite, IkePort, IkePort),
            Sa(EastOuter, WestOuter, EastToWestSpi, EastSite, WestSite, IkePort, IkePort),
        })
        {
            Assert.Equal(SadStatus.Ok, WestGateway.Engine.States.Add(sa));
        }

        foreach (SecurityAssociation sa in new[]
        {
            Sa(NatPublic, EastOuter, WestToEastSpi, WestSite, EastSite, WestPublicPort, IkePort),
            Sa(EastOuter, NatPublic, EastToWestSpi, EastSite, WestSite, IkePort, WestPublicPort),
        })
        {
            Assert.Equal(SadStatus.Ok, EastGateway.Engine.States.Add(sa));
        }
    }

    public FakeTimeProvider Clock { get; }

    public SimulatedNetwork Network { get; }

    public SimulatedNat Nat { get; }

    public SimulatedHost WestGateway { get; }

    public SimulatedHost EastGateway { get; }

    public SimulatedHost WestHost { get; }

    public SimulatedHost EastHost { get; }

    public IkeRecorder EastIke { get; } = new();

    public MappingRecorder EastKeyManager { get; } = new();

    /// <summary>The NAT's public port for gw-west's port 4500.</summary>
    public ushort WestPublicPort { get; }

    public MibWatch Watch() => new(WestHost, WestGateway, EastGateway, EastHost);

    private static SecurityAssociation Sa(IpAddress source, IpAddress destination, uint spi, IpPrefix from, IpPrefix to, ushort sourcePort, ushort destinationPort) =>
        new(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Tunnel)
        {
            ReqId = 1,
            Encryption = new SaAlgorithm(SiteToSite.AesGcm16, SiteToSite.KeyFor(spi)),
            ReplayWindowSize = 64,
            InnerSelector = new Selector(from, to),
            NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, sourcePort, destinationPort),
        };

    private static void InstallPolicies(SimulatedHost gateway, IpPrefix local, IpPrefix remote, IpAddress localOuter, IpAddress remoteOuter)
    {
        PolicyTemplate outbound = new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = localOuter, TunnelDestination = remoteOuter, ReqId = 1 };
        PolicyTemplate inbound = new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = remoteOuter, TunnelDestination = localOuter, ReqId = 1 };
        SecurityPolicyDatabase spd = gateway.Engine.Policies;
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(local, remote), PolicyAction.Ipsec, [outbound])));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(remote, local), PolicyAction.Ipsec, [inbound])));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Fwd, new Selector(remote, local), PolicyAction.Ipsec, [inbound])));
    }
}

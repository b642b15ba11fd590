using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Transforms;

namespace Netipsec.Simulation;

/// <summary>
/// A ready-made network: two sites joined by an ESP (AES-GCM-128) tunnel between their security gateways, with one
/// host on each site. West is 198.51.100.0/24 (2001:db8:1::/64) behind gateway 192.0.2.1 (2001:db8:ff::1); east is
/// 203.0.113.0/24 (2001:db8:2::/64) behind 192.0.2.2 (2001:db8:ff::2). Each gateway gets the out, in and fwd
/// policies and both SAs a key manager would install.
/// </summary>
public sealed class SiteToSiteScenario
{
    /// <summary>SPI of the SA carrying west-to-east traffic.</summary>
    public const uint WestToEastSpi = 0x1001;

    /// <summary>SPI of the SA carrying east-to-west traffic.</summary>
    public const uint EastToWestSpi = 0x2002;

    private const byte AesGcm16 = 20; // PF_KEY's SADB_X_EALG_AES_GCM_ICV16 (RFC 4106)

    /// <param name="time">The clock of every host's engine.</param>
    /// <param name="inner">The IP version of the sites (the protected traffic).</param>
    /// <param name="outer">The IP version between the gateways.</param>
    /// <param name="gatewayOptions">Output settings of both gateways (MTU, larval drop).</param>
    /// <param name="gatewayTypes">The transforms of both gateways, e.g. on a native crypto engine; <see cref="XfrmTypeRegistry.CreateDefault"/> when null.</param>
    public SiteToSiteScenario(
        TimeProvider time, IpVersion inner = IpVersion.V4, IpVersion outer = IpVersion.V4, XfrmOutputOptions? gatewayOptions = null, XfrmTypeRegistry? gatewayTypes = null)
    {
        bool v4Inner = inner == IpVersion.V4;
        bool v4Outer = outer == IpVersion.V4;
        WestSite = IpPrefix.Parse(v4Inner ? "198.51.100.0/24" : "2001:db8:1::/64");
        EastSite = IpPrefix.Parse(v4Inner ? "203.0.113.0/24" : "2001:db8:2::/64");
        WestGatewayOuter = IpAddress.Parse(v4Outer ? "192.0.2.1" : "2001:db8:ff::1");
        EastGatewayOuter = IpAddress.Parse(v4Outer ? "192.0.2.2" : "2001:db8:ff::2");
        WestHostAddress = IpAddress.Parse(v4Inner ? "198.51.100.10" : "2001:db8:1::10");
        EastHostAddress = IpAddress.Parse(v4Inner ? "203.0.113.10" : "2001:db8:2::10");

        Network = new SimulatedNetwork();
        WestGateway = new SimulatedHost("gw-west", Network, time, gatewayOptions, types: gatewayTypes)
            .WithAddress(WestGatewayOuter.ToString()).WithAddress(v4Inner ? "198.51.100.1" : "2001:db8:1::1");
        EastGateway = new SimulatedHost("gw-east", Network, time, gatewayOptions, types: gatewayTypes)
            .WithAddress(EastGatewayOuter.ToString()).WithAddress(v4Inner ? "203.0.113.1" : "2001:db8:2::1");
        WestHost = new SimulatedHost("west", Network, time) { Gateway = WestGateway }.WithAddress(WestHostAddress.ToString());
        EastHost = new SimulatedHost("east", Network, time) { Gateway = EastGateway }.WithAddress(EastHostAddress.ToString());
    }

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

    /// <summary>Installs the policies on both gateways (as a key manager or a setkey file would).</summary>
    /// <returns>The first refusal, or <see cref="SpdStatus.Ok"/>.</returns>
    public SpdStatus InstallPolicies()
    {
        SpdStatus west = InstallPolicies(WestGateway, WestSite, EastSite, WestGatewayOuter, EastGatewayOuter);
        return west != SpdStatus.Ok ? west : InstallPolicies(EastGateway, EastSite, WestSite, EastGatewayOuter, WestGatewayOuter);
    }

    /// <summary>Installs both SAs on both gateways, with the given lifetimes and replay settings.</summary>
    /// <param name="soft">Soft lifetime limits of every SA.</param>
    /// <param name="hard">Hard lifetime limits of every SA.</param>
    /// <param name="replayWindow">The replay window of every SA.</param>
    /// <param name="extendedSequenceNumbers">Whether the SAs use 64-bit sequence numbers.</param>
    /// <param name="udpEncapsulation">Whether the SAs carry their ESP in UDP, port 4500 to 4500 (RFC 3948).</param>
    /// <returns>The first refusal, or <see cref="SadStatus.Ok"/>.</returns>
    public SadStatus InstallStates(
        LifetimeLimits soft = default, LifetimeLimits hard = default, int replayWindow = 64, bool extendedSequenceNumbers = false, bool udpEncapsulation = false)
    {
        foreach ((SimulatedHost gateway, IpAddress localOuter) in new[] { (WestGateway, WestGatewayOuter), (EastGateway, EastGatewayOuter) })
        {
            foreach ((IpAddress source, IpAddress destination, uint spi, Selector inner) in new[]
            {
                (WestGatewayOuter, EastGatewayOuter, WestToEastSpi, new Selector(WestSite, EastSite)),
                (EastGatewayOuter, WestGatewayOuter, EastToWestSpi, new Selector(EastSite, WestSite)),
            })
            {
                var sa = new SecurityAssociation(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Tunnel)
                {
                    ReqId = 1,
                    Encryption = new SaAlgorithm(AesGcm16, DemoKey(spi)),
                    Flags = SaFlags.Tunnel | (source == localOuter ? SaFlags.Outbound : SaFlags.Inbound),
                    ReplayWindowSize = replayWindow,
                    ExtendedSequenceNumbers = extendedSequenceNumbers,
                    InnerSelector = inner,
                    SoftLimits = soft,
                    HardLimits = hard,
                    NatTraversal = udpEncapsulation
                        ? new NatTraversalEncapsulation(NatTraversalType.EspInUdp, NatTraversalEncapsulation.DefaultPort, NatTraversalEncapsulation.DefaultPort)
                        : null,
                };
                SadStatus status = gateway.Engine.States.Add(sa);
                if (status != SadStatus.Ok)
                {
                    return status;
                }
            }
        }

        return SadStatus.Ok;
    }

    /// <summary>
    /// The fixed, public key of a demo SA: 128-bit AES key and 32-bit salt derived from the SPI. Fine for a
    /// simulation whose point is to be inspected; never for real traffic.
    /// </summary>
    public static byte[] DemoKey(uint spi)
    {
        byte[] key = new byte[20];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)((spi * 7) + (uint)i);
        }

        return key;
    }

    private static SpdStatus InstallPolicies(SimulatedHost gateway, IpPrefix local, IpPrefix remote, IpAddress localOuter, IpAddress remoteOuter)
    {
        PolicyTemplate outbound = new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = localOuter, TunnelDestination = remoteOuter, ReqId = 1 };
        PolicyTemplate inbound = new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = remoteOuter, TunnelDestination = localOuter, ReqId = 1 };
        SecurityPolicyDatabase spd = gateway.Engine.Policies;
        SpdStatus status = spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(local, remote), PolicyAction.Ipsec, [outbound]));
        if (status == SpdStatus.Ok)
        {
            status = spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(remote, local), PolicyAction.Ipsec, [inbound]));
        }

        return status == SpdStatus.Ok
            ? spd.Add(new SecurityPolicy(PolicyDirection.Fwd, new Selector(remote, local), PolicyAction.Ipsec, [inbound]))
            : status;
    }
}

using Microsoft.Extensions.Time.Testing;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Tests.States;

namespace Netipsec.Tests.Engine;

/// <summary>Hosts, gateways, SAs and policies shared by the engine tests, with real databases on a fake clock.</summary>
internal sealed class EngineTestData
{
    public static readonly IpAddress HostA = IpAddress.Parse("192.0.2.10");
    public static readonly IpAddress HostB = IpAddress.Parse("198.51.100.20");
    public static readonly IpAddress GatewayA = IpAddress.Parse("203.0.113.1");
    public static readonly IpAddress GatewayB = IpAddress.Parse("203.0.113.2");

    public EngineTestData()
    {
        Clock = SadTestData.NewClock();
        Listener = new RecordingListener();
        Spd = new SecurityPolicyDatabase(Clock);
        Sad = SadTestData.NewDatabase(Clock, Listener);
        Resolver = new BundleResolver(Spd, Sad);
    }

    public FakeTimeProvider Clock { get; }

    public RecordingListener Listener { get; }

    public SecurityPolicyDatabase Spd { get; }

    public SecurityAssociationDatabase Sad { get; }

    public BundleResolver Resolver { get; }

    public static Flow HostFlow(ushort sourcePort = 1234, ushort destinationPort = 443) =>
        new(HostA, HostB, IpProtocol.Tcp, sourcePort, destinationPort);

    public static Selector HostSelector => new(IpPrefix.Host(HostA), IpPrefix.Host(HostB));

    public static PolicyTemplate Transport(IpsecProtocol protocol, uint reqId = 0, TemplateLevel level = TemplateLevel.Require, uint spi = 0) =>
        new(protocol, XfrmMode.Transport) { ReqId = reqId, Level = level, Spi = spi };

    public static PolicyTemplate Tunnel(IpsecProtocol protocol, IpAddress source, IpAddress destination, uint reqId = 0, TemplateLevel level = TemplateLevel.Require) =>
        new(protocol, XfrmMode.Tunnel) { TunnelSource = source, TunnelDestination = destination, ReqId = reqId, Level = level };

    /// <summary>An outbound (or <paramref name="direction"/>) IPsec policy for HostA → HostB with templates innermost first.</summary>
    public static SecurityPolicy Policy(PolicyDirection direction, params PolicyTemplate[] templates) =>
        new(direction, HostSelector, PolicyAction.Ipsec, templates);

    /// <summary>A keyed SA of any protocol and mode, not installed.</summary>
    public static SecurityAssociation Sa(
        IpsecProtocol protocol, uint spi, IpAddress source, IpAddress destination, XfrmMode mode = XfrmMode.Transport, uint reqId = 0, Selector? inner = null) =>
        new(new SaId(destination, spi, protocol), source, mode)
        {
            ReqId = reqId,
            InnerSelector = inner,
            Encryption = protocol == IpsecProtocol.Esp ? new SaAlgorithm(SadTestData.AesCbc, SadTestData.EncryptionKey) : null,
            Authentication = protocol == IpsecProtocol.IpComp ? null : new SaAlgorithm(SadTestData.HmacSha1, SadTestData.AuthenticationKey),
            Compression = protocol == IpsecProtocol.IpComp ? SaAlgorithm.WithoutKey(SadTestData.Deflate) : null,
            ReplayWindowSize = protocol == IpsecProtocol.IpComp ? 0 : 32,
        };

    /// <summary>Builds an SA and installs it, asserting the SAD took it.</summary>
    public SecurityAssociation Install(
        IpsecProtocol protocol, uint spi, IpAddress source, IpAddress destination, XfrmMode mode = XfrmMode.Transport, uint reqId = 0)
    {
        SecurityAssociation sa = Sa(protocol, spi, source, destination, mode, reqId);
        Assert.Equal(SadStatus.Ok, Sad.Add(sa));
        return sa;
    }

    /// <summary>Installs a policy, asserting the SPD took it.</summary>
    public SecurityPolicy Install(SecurityPolicy policy)
    {
        Assert.Equal(SpdStatus.Ok, Spd.Add(policy));
        return policy;
    }
}

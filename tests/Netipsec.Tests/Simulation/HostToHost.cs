using Microsoft.Extensions.Time.Testing;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.States;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// Two hosts on one link protecting their traffic end to end with ESP (AES-GCM) in transport mode: A (192.0.2.10 or
/// 2001:db8::a) and B (192.0.2.20 or 2001:db8::b), each with an out and an in policy for the other and both SAs.
/// </summary>
internal sealed class HostToHost
{
    public const uint AToBSpi = 0x3001;
    public const uint BToASpi = 0x3002;
    public const uint ReqId = 1;

    public HostToHost(IpVersion version = IpVersion.V4, XfrmOutputOptions? options = null, bool configure = true)
    {
        bool v4 = version == IpVersion.V4;
        Clock = SadTestData.NewClock();
        Network = new SimulatedNetwork();
        AAddress = IpAddress.Parse(v4 ? "192.0.2.10" : "2001:db8::a");
        BAddress = IpAddress.Parse(v4 ? "192.0.2.20" : "2001:db8::b");
        A = new SimulatedHost("a", Network, Clock, options).WithAddress(AAddress.ToString());
        B = new SimulatedHost("b", Network, Clock, options).WithAddress(BAddress.ToString());
        if (configure)
        {
            ConfigurePolicies(A, AAddress, BAddress);
            ConfigurePolicies(B, BAddress, AAddress);
            foreach (SimulatedHost host in new[] { A, B })
            {
                Assert.Equal(SadStatus.Ok, host.Engine.States.Add(TransportSa(AAddress, BAddress, AToBSpi)));
                Assert.Equal(SadStatus.Ok, host.Engine.States.Add(TransportSa(BAddress, AAddress, BToASpi)));
            }
        }
    }

    public FakeTimeProvider Clock { get; }

    public SimulatedNetwork Network { get; }

    public IpAddress AAddress { get; }

    public IpAddress BAddress { get; }

    public SimulatedHost A { get; }

    public SimulatedHost B { get; }

    public MibWatch Watch() => new(A, B);

    /// <summary>Out policy to the peer and in policy from it, each requiring ESP transport with <see cref="ReqId"/>.</summary>
    public static void ConfigurePolicies(SimulatedHost host, IpAddress local, IpAddress remote)
    {
        var template = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport) { ReqId = ReqId };
        SecurityPolicyDatabase spd = host.Engine.Policies;
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(IpPrefix.Host(local), IpPrefix.Host(remote)), PolicyAction.Ipsec, [template])));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(IpPrefix.Host(remote), IpPrefix.Host(local)), PolicyAction.Ipsec, [template])));
    }

    public static SecurityAssociation TransportSa(IpAddress source, IpAddress destination, uint spi, uint reqId = ReqId, int replayWindow = 64) =>
        new(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Transport)
        {
            ReqId = reqId,
            Encryption = new SaAlgorithm(SiteToSite.AesGcm16, SiteToSite.KeyFor(spi)),
            ReplayWindowSize = replayWindow,
        };
}

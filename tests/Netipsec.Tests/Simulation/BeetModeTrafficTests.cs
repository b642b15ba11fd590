using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// BEET mode end to end (RFC 7402): two hosts whose identities (198.51.100.1, .2 or 2001:db8:1::1, ::2) differ from
/// their locators on the wire (192.0.2.10, .20 or 2001:db8::a, ::b). The wire carries ESP between the locators with no
/// inner IP header; the receiver rebuilds the identity header from the SA.
/// </summary>
public sealed class BeetModeTrafficTests
{
    private const uint AToBSpi = 0x4001;
    private const uint BToASpi = 0x4002;

    [Theory]
    [InlineData(IpVersion.V4)]
    [InlineData(IpVersion.V6)]
    public void Identities_talk_through_beet_sas_between_locators(IpVersion version)
    {
        bool v4 = version == IpVersion.V4;
        var net = new HostToHost(version, configure: false);
        IpAddress aIdentity = IpAddress.Parse(v4 ? "198.51.100.1" : "2001:db8:1::1");
        IpAddress bIdentity = IpAddress.Parse(v4 ? "198.51.100.2" : "2001:db8:1::2");
        net.A.WithAddress(aIdentity.ToString());
        net.B.WithAddress(bIdentity.ToString());
        Configure(net.A, aIdentity, bIdentity, net.AAddress, net.BAddress);
        Configure(net.B, bIdentity, aIdentity, net.BAddress, net.AAddress);
        foreach (SimulatedHost host in new[] { net.A, net.B })
        {
            Assert.Equal(SadStatus.Ok, host.Engine.States.Add(BeetSa(net.AAddress, net.BAddress, aIdentity, bIdentity, AToBSpi)));
            Assert.Equal(SadStatus.Ok, host.Engine.States.Add(BeetSa(net.BAddress, net.AAddress, bIdentity, aIdentity, BToASpi)));
        }

        MibWatch mib = net.Watch();
        byte[] request = Traffic.Udp(aIdentity, bIdentity, 5000, 53, 300);
        byte[] reply = Traffic.Ping(bIdentity, aIdentity, reply: true);
        net.A.Send(request);
        net.B.Send(reply);

        Assert.Equal([request], net.B.Inbox);
        Assert.Equal([reply], net.A.Inbox);
        Assert.True(FlowExtractor.TryExtract(net.Network.Wire[0], 0, out Flow onWire, out _));
        Assert.Equal((net.AAddress, net.BAddress, IpProtocol.Esp), (onWire.Source, onWire.Destination, onWire.Protocol));
        int innerHeader = v4 ? Ipv4Header.MinLength : Ipv6Header.Length;
        Assert.True(net.Network.Wire[0].Length < request.Length + innerHeader + 16 + 16 + 4); // no second IP header inside
        mib.AssertNone();
    }

    private static void Configure(SimulatedHost host, IpAddress local, IpAddress remote, IpAddress localLocator, IpAddress remoteLocator)
    {
        PolicyTemplate Beet(IpAddress source, IpAddress destination) =>
            new(IpsecProtocol.Esp, XfrmMode.Beet) { TunnelSource = source, TunnelDestination = destination, ReqId = 1 };

        SecurityPolicyDatabase spd = host.Engine.Policies;
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(IpPrefix.Host(local), IpPrefix.Host(remote)), PolicyAction.Ipsec, [Beet(localLocator, remoteLocator)])));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(IpPrefix.Host(remote), IpPrefix.Host(local)), PolicyAction.Ipsec, [Beet(remoteLocator, localLocator)])));
    }

    private static SecurityAssociation BeetSa(IpAddress source, IpAddress destination, IpAddress innerSource, IpAddress innerDestination, uint spi) =>
        new(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Beet)
        {
            ReqId = 1,
            Encryption = new SaAlgorithm(SiteToSite.AesGcm16, SiteToSite.KeyFor(spi)),
            ReplayWindowSize = 64,
            InnerSelector = new Selector(IpPrefix.Host(innerSource), IpPrefix.Host(innerDestination)),
        };
}

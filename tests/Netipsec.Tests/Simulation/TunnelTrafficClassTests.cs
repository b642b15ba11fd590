using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Tests.Simulation;

/// <summary>DSCP and ECN through the site-to-site tunnel (RFC 4301 §5.1.2.1, RFC 6040 normal mode).</summary>
public sealed class TunnelTrafficClassTests
{
    private const int ExpeditedForwarding = 46;
    private const int NotEct = 0;
    private const int Ect0 = 2;
    private const int Ce = 3;

    public static TheoryData<IpVersion, IpVersion> Families => new()
    {
        { IpVersion.V4, IpVersion.V4 },
        { IpVersion.V6, IpVersion.V6 },
        { IpVersion.V4, IpVersion.V6 },
        { IpVersion.V6, IpVersion.V4 },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Dscp_and_ecn_survive_the_tunnel_and_are_copied_to_the_outer_header(IpVersion inner, IpVersion outer)
    {
        var net = new SiteToSite(inner, outer);
        byte[] marked = SimPackets.WithTrafficClass(Udp(net), ExpeditedForwarding, Ect0);
        byte[] congested = SimPackets.WithTrafficClass(Udp(net), ExpeditedForwarding, Ce);
        MibWatch mib = net.Watch();

        net.WestHost.Send(marked);
        net.WestHost.Send(congested);

        Assert.Equal([marked, congested], net.EastHost.Inbox);
        Assert.Equal((ExpeditedForwarding, Ect0), SimPackets.TrafficClassOf(net.Network.Wire[1]));
        Assert.Equal((ExpeditedForwarding, Ect0), SimPackets.TrafficClassOf(net.Network.Wire[4])); // CE is not copied out (RFC 6040 §4.1)
        mib.AssertNone();
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Congestion_marked_on_the_outer_header_reaches_the_inner_packet(IpVersion inner, IpVersion outer)
    {
        var net = new SiteToSite(inner, outer);
        byte[] plain = SimPackets.WithTrafficClass(Udp(net), ExpeditedForwarding, Ect0);
        byte[] wire = new WireTap(net.WestGateway).Protect(plain);
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Passed, WireTap.Inject(net.EastGateway, SimPackets.WithTrafficClass(wire, ExpeditedForwarding, Ce)));

        Assert.Equal([SimPackets.WithTrafficClass(plain, ExpeditedForwarding, Ce)], net.EastHost.Inbox);
        mib.AssertNone();
    }

    [Fact]
    public void Congestion_marked_over_a_not_ecn_capable_inner_packet_is_dropped_as_InStateModeError()
    {
        var net = new SiteToSite();
        byte[] wire = new WireTap(net.WestGateway).Protect(SimPackets.WithTrafficClass(Udp(net), ExpeditedForwarding, NotEct));
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(net.EastGateway, SimPackets.WithTrafficClass(wire, ExpeditedForwarding, Ce)));

        Assert.Empty(net.EastHost.Inbox);
        mib.AssertOnly(net.EastGateway, DropReason.InStateModeError);
    }

    private static byte[] Udp(SiteToSite net) => Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 64);
}

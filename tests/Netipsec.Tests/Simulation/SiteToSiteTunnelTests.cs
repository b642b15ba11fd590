using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;

namespace Netipsec.Tests.Simulation;

public sealed class SiteToSiteTunnelTests
{
    public static TheoryData<IpVersion, IpVersion> Families => new()
    {
        { IpVersion.V4, IpVersion.V4 },
        { IpVersion.V6, IpVersion.V6 },
        { IpVersion.V4, IpVersion.V6 },
        { IpVersion.V6, IpVersion.V4 },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Traffic_crosses_the_tunnel_both_ways_byte_for_byte(IpVersion inner, IpVersion outer)
    {
        var net = new SiteToSite(inner, outer);
        byte[][] requests =
        [
            Traffic.Ping(net.WestHostAddress, net.EastHostAddress),
            Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 200),
            Traffic.Tcp(net.WestHostAddress, net.EastHostAddress, 40000, 443, 1000),
        ];
        foreach (byte[] request in requests)
        {
            Assert.Equal(XfrmVerdict.Bypassed, net.WestHost.Send(request)); // the host itself has no policy
        }

        byte[] reply = Traffic.Udp(net.EastHostAddress, net.WestHostAddress, 53, 5000, 300);
        net.EastHost.Send(reply);

        Assert.Equal(requests, net.EastHost.Inbox);
        Assert.Equal([reply], net.WestHost.Inbox);
        SecurityAssociation westOut = SiteToSite.StateOf(net.WestGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi);
        SecurityAssociation eastIn = SiteToSite.StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi);
        Assert.Equal(3ul, westOut.SequenceCounter!.Current);
        Assert.Equal(3ul, eastIn.ReplayWindow!.Highest);
        Assert.Equal(3ul, eastIn.Current.Packets);
        foreach (SimulatedHostCounters counters in new[] { new SimulatedHostCounters(net.WestGateway), new SimulatedHostCounters(net.EastGateway) })
        {
            Assert.Equal(0, counters.Total);
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Every_packet_of_a_flow_counts_against_the_fwd_policy_also_once_its_check_is_remembered(IpVersion inner, IpVersion outer)
    {
        var net = new SiteToSite(inner, outer);
        byte[] request = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 200);
        for (int i = 0; i < 4; i++)
        {
            net.WestHost.Send(request);
        }

        Assert.True(FlowExtractor.TryExtract(request, 0, out Flow flow, out _));
        SecurityPolicy fwd = net.EastGateway.Engine.Policies.Lookup(PolicyDirection.Fwd, flow)!;
        Assert.Equal(4, net.EastHost.Inbox.Count);
        Assert.Equal((4ul, 4ul * (ulong)request.Length), (fwd.Current.Packets, fwd.Current.Bytes));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void What_crosses_between_the_gateways_is_esp_between_their_outer_addresses(IpVersion inner, IpVersion outer)
    {
        var net = new SiteToSite(inner, outer);
        byte[] request = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 200);
        net.WestHost.Send(request);

        byte[] onTheWire = net.Network.Wire[1]; // [0] is host -> gateway
        Assert.True(FlowExtractor.TryExtract(onTheWire, 0, out Flow flow, out _));
        Assert.Equal((net.WestGatewayOuter, net.EastGatewayOuter, IpProtocol.Esp), (flow.Source, flow.Destination, flow.Protocol));
        Assert.DoesNotContain(Convert.ToHexString(request.AsSpan(^40..)), Convert.ToHexString(onTheWire), StringComparison.Ordinal);
    }

    [Fact]
    public void Icmpv6_echo_request_and_reply_cross_the_tunnel_byte_for_byte()
    {
        var net = new SiteToSite(IpVersion.V6, IpVersion.V6);
        byte[] request = Traffic.Ping(net.WestHostAddress, net.EastHostAddress, sequence: 9, payloadLength: 120);
        byte[] reply = Traffic.Ping(net.EastHostAddress, net.WestHostAddress, sequence: 9, payloadLength: 120, reply: true);

        net.WestHost.Send(request);
        net.EastHost.Send(reply);

        Assert.Equal([request], net.EastHost.Inbox);
        Assert.Equal([reply], net.WestHost.Inbox);
        Assert.True(InternetChecksum.VerifyTransportChecksum(net.EastHostAddress, net.WestHostAddress, IpProtocol.Icmpv6, net.WestHost.Inbox[0].AsSpan(Ipv6Header.Length)));
        Assert.Equal(129, net.WestHost.Inbox[0][Ipv6Header.Length]);
    }
}

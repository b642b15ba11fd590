namespace Netipsec.Integration.Tests.Pairs;

/// <summary>ESP tunnels whose outer addresses are IPv6 (2001:db8::1 and ::2 on the veth), carrying IPv4 and IPv6 sites.</summary>
[Collection(GatewayPairGroup.Name)]
public sealed class Ipv4OverIpv6TunnelTests(Ipv4OverIpv6Pair pair) : IClassFixture<Ipv4OverIpv6Pair>
{
    [NetnsFact]
    public void IPv4_pings_cross_an_IPv6_tunnel_both_ways_and_count_on_both_SAs()
    {
        var watch = new CounterWatch(pair);
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
        pair.MustPing(pair.East, "10.2.0.1", "10.1.0.1");

        // Each gateway sends 3 requests and 3 replies and receives as many: its two SAs count 12 packets.
        Assert.Equal(12, watch.West("EspPackets"));
        Assert.Equal(12, watch.East("EspPackets"));
        Assert.Equal(6, watch.East("TunWritten"));
        watch.AssertNoInboundErrors();
        Assert.Contains("src 2001:db8::1 dst 2001:db8::2", pair.WestDaemon.Query("show state"), StringComparison.Ordinal);
    }
}

/// <summary>IPv6 sites (2001:db8:1::/64 and 2001:db8:2::/64) over an IPv6 ESP tunnel.</summary>
[Collection(GatewayPairGroup.Name)]
public sealed class Ipv6OverIpv6TunnelTests(Ipv6OverIpv6Pair pair) : IClassFixture<Ipv6OverIpv6Pair>
{
    [NetnsFact]
    public void IPv6_pings_cross_an_IPv6_tunnel_both_ways_and_count_on_both_SAs()
    {
        var watch = new CounterWatch(pair);
        pair.MustPing(pair.West, "2001:db8:1::1", "2001:db8:2::1", "-6");
        pair.MustPing(pair.East, "2001:db8:2::1", "2001:db8:1::1", "-6");

        Assert.True(watch.West("EspPackets") >= 12, pair.WestDaemon.Query("stats"));
        Assert.True(watch.East("EspPackets") >= 12, pair.EastDaemon.Query("stats"));
        watch.AssertNoInboundErrors();
    }
}

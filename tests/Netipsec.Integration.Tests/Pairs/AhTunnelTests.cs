namespace Netipsec.Integration.Tests.Pairs;

/// <summary>An AH tunnel (RFC 4302, HMAC-SHA-256-128) between the two sites.</summary>
[Collection(GatewayPairGroup.Name)]
public sealed class AhTunnelTests(AhTunnelPair pair) : IClassFixture<AhTunnelPair>
{
    [NetnsFact]
    public void Pings_cross_an_AH_tunnel_both_ways_and_count_on_the_AH_SAs_only()
    {
        var watch = new CounterWatch(pair);
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
        pair.MustPing(pair.East, "10.2.0.1", "10.1.0.1");

        Assert.Equal(12, watch.West("AhPackets"));
        Assert.Equal(12, watch.East("AhPackets"));
        Assert.Equal(0, watch.East("EspPackets"));
        Assert.Equal(0, watch.East("AhIntegrityFailed"));
        watch.AssertNoInboundErrors();
    }
}

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>ESP in transport mode between the two veth addresses (ICMP only), no tunnel and no site behind either end.</summary>
[Collection(GatewayPairGroup.Name)]
public sealed class TransportModeTests(TransportPair pair) : IClassFixture<TransportPair>
{
    [NetnsFact]
    public void Pings_between_the_veth_addresses_go_as_transport_mode_ESP_both_ways()
    {
        var watch = new CounterWatch(pair);
        pair.MustPing(pair.West, "192.0.2.1", "192.0.2.2");
        pair.MustPing(pair.East, "192.0.2.2", "192.0.2.1");

        Assert.Equal(12, watch.West("EspPackets"));
        Assert.Equal(12, watch.East("EspPackets"));
        Assert.Equal(6, watch.West("TunWritten"));
        watch.AssertNoInboundErrors();
        Assert.Contains("mode transport", pair.EastDaemon.Query("show state"), StringComparison.Ordinal);
    }
}

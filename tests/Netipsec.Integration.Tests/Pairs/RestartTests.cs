namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// Both gateways stopped (SIGTERM) and started again on their configuration files: the tunnel comes back by itself.
/// Both ends restart because the SAs are keyed by hand: a lone restarted sender would begin again at sequence number
/// 1, which its peer's anti-replay window rightly refuses until key management installs new SAs. The daemons' routing
/// rule does not pile up across the restart.
/// </summary>
[Collection(GatewayPairGroup.Name)]
public sealed class RestartTests(RestartPair pair) : IClassFixture<RestartPair>
{
    [NetnsFact]
    public void After_a_restart_on_the_same_configuration_pings_cross_both_ways_again()
    {
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
        int[] before = [pair.WestDaemon.Id, pair.EastDaemon.Id];

        pair.RestartDaemons();

        Assert.DoesNotContain(pair.WestDaemon.Id, before);
        Assert.DoesNotContain(pair.EastDaemon.Id, before);
        var watch = new CounterWatch(pair);
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
        pair.MustPing(pair.East, "10.2.0.1", "10.1.0.1");
        Assert.Equal(12, watch.West("EspPackets"));
        Assert.Equal(12, watch.East("EspPackets"));
        watch.AssertNoInboundErrors();
        Assert.Single(pair.West.Ip("rule").Split('\n'), line => line.Contains("not from all fwmark 0x4e49 lookup 220", StringComparison.Ordinal));
    }
}

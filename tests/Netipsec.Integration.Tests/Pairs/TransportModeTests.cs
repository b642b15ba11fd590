namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// ESP in transport mode between the two veth addresses (ICMP only), no tunnel and no site behind either end, on
/// the routes and rule the daemons install themselves.
/// </summary>
[Collection(GatewayPairGroup.Name)]
public sealed class TransportModeTests(TransportPair pair) : IClassFixture<TransportPair>
{
    // Connects to a port nobody listens on: "refused" means the SYN reached the peer and its RST came back.
    private const string ConnectToClosedPort =
        "import socket\n" +
        "s = socket.socket()\n" +
        "s.settimeout(5)\n" +
        "try:\n" +
        "    s.connect(('192.0.2.2', 9))\n" +
        "    print('connected')\n" +
        "except ConnectionRefusedError:\n" +
        "    print('refused')\n" +
        "except OSError as error:\n" +
        "    print('failed', error)\n";

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

    [NetnsFact]
    public void Each_daemon_installs_one_rule_per_family_sending_unmarked_packets_to_its_table_where_the_peer_routes_into_the_TUN()
    {
        foreach (string family in new[] { "-4", "-6" })
        {
            string rules = pair.West.Ip(family, "rule");
            Assert.Single(rules.Split('\n'), line => line.Contains("not from all fwmark 0x4e49 lookup 220", StringComparison.Ordinal));
        }

        Assert.Contains($"192.0.2.2 dev {GatewayPair.WestTun}", pair.West.Ip("route", "show", "table", "220"), StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayPair.WestTun, pair.West.Routes(), StringComparison.Ordinal);
    }

    [NetnsFact]
    public void Traffic_to_the_peer_the_ICMP_policy_does_not_cover_still_reaches_it_in_the_clear()
    {
        var watch = new CounterWatch(pair);

        (int code, string output) = Shell.InNamespace(pair.West.Name, "/usr/bin/python3", "-c", ConnectToClosedPort);

        Assert.True(code == 0 && output.Trim() == "refused", $"TCP to the peer: {output}\nwest:\n{pair.WestDaemon.Query("stats")}");
        Assert.Equal(1, watch.West("TunBypassSent"));
        Assert.Equal(1, watch.East("TunBypassSent"));
        Assert.Equal(0, watch.West("EspPackets"));
    }
}

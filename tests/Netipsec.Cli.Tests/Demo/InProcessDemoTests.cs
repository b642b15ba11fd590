using Netipsec.Cli.Demo;

namespace Netipsec.Cli.Tests.Demo;

public sealed class InProcessDemoTests
{
    private static string RunDemo()
    {
        using var output = new StringWriter();
        Assert.Equal(0, InProcessDemo.Run(output));
        return output.ToString();
    }

    [Fact]
    public void All_traffic_crosses_the_tunnel_byte_for_byte()
    {
        Assert.Contains("traffic: 8 packets (ping, UDP, TCP) sent between the hosts, 8 delivered byte for byte", RunDemo(), StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_forgery_and_missing_sas_each_move_their_own_counter()
    {
        string text = RunDemo();
        Assert.Contains("sent again to gw-east -> dropped, XfrmInStateSeqError +1", text, StringComparison.Ordinal);
        Assert.Contains("ICV bit flipped -> dropped, XfrmInStateProtoError +1", text, StringComparison.Ordinal);
        Assert.Contains("at gw-west dropped, XfrmOutNoStates +2, 1 ACQUIRE raised", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), line => line.StartsWith("gw-west: ACQUIRE #", StringComparison.Ordinal));
    }

    [Fact]
    public void Both_gateways_tables_and_counters_are_printed_without_key_material()
    {
        string text = RunDemo();
        Assert.Contains("== gw-west: SAD (3 entries) ==", text, StringComparison.Ordinal); // two SAs and the acquire state
        Assert.Contains("== gw-east: SPD (3 entries) ==", text, StringComparison.Ordinal);
        Assert.Contains("stats: replay-window 0 replay 1 failed 1", text, StringComparison.Ordinal);
        Assert.Contains("\tengine portable", text, StringComparison.Ordinal); // the crypto engine of each SA's keys
        Assert.Contains("XfrmInStateSeqError     \t1", text, StringComparison.Ordinal);
        foreach (uint spi in new uint[] { 0x1001, 0x2002 })
        {
            string key = Convert.ToHexString(Netipsec.Simulation.SiteToSiteScenario.DemoKey(spi));
            Assert.DoesNotContain(key[..10], text, StringComparison.OrdinalIgnoreCase);
        }
    }
}

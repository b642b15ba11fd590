using Netipsec.Daemon.Control;
using Netipsec.Daemon.DataPlane;
using Netipsec.Daemon.Tests.TestDoubles;
using Netipsec.Engine;
using Netipsec.Simulation;
using Netipsec.Transforms;

namespace Netipsec.Daemon.Tests.Control;

public sealed class ControlCommandsTests
{
    private readonly XfrmEngine _engine = new(TimeProvider.System, XfrmTypeRegistry.CreateDefault());

    public ControlCommandsTests() => TunnelConfig.West.Install(_engine);

    [Fact]
    public void Show_state_lists_every_SA_like_ip_xfrm_state_without_keys()
    {
        string text = Run(ControlCommands.ShowState);

        Assert.Contains("src 192.0.2.1 dst 192.0.2.2", text, StringComparison.Ordinal);
        Assert.Contains("proto esp spi 0x00001001 reqid 1 mode tunnel", text, StringComparison.Ordinal);
        Assert.Contains("proto esp spi 0x00002002", text, StringComparison.Ordinal);
        string key = Convert.ToHexString(SiteToSiteScenario.DemoKey(0x1001));
        Assert.DoesNotContain(key, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Show_policy_lists_every_policy_with_its_direction()
    {
        string text = Run(ControlCommands.ShowPolicy);

        Assert.Contains("dir out action ipsec", text, StringComparison.Ordinal);
        Assert.Contains("dir in action ipsec", text, StringComparison.Ordinal);
        Assert.Contains("dir fwd action ipsec", text, StringComparison.Ordinal);
        Assert.Contains("tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 1 mode tunnel", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_gives_the_28_MIB_counters_then_transform_and_daemon_counters()
    {
        _engine.Statistics.Increment(DropReason.InNoStates);
        var daemon = new DaemonStatistics();
        daemon.AddTunRead(7);

        string[] lines = Run(ControlCommands.Stats, daemon.WriteTo).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(XfrmStatistics.CounterCount, lines.Count(line => line.StartsWith("Xfrm", StringComparison.Ordinal)));
        Assert.Equal("XfrmInError", lines[0].Split('\t')[0].TrimEnd());
        Assert.Contains(lines, line => line.Split('\t') is [var name, "1"] && name.TrimEnd() == "XfrmInNoStates");
        Assert.Contains(lines, line => line.Split('\t') is [var name, "2"] && name.TrimEnd() == "EspStates");
        Assert.Contains(lines, line => line.Split('\t') is [var name, "7"] && name.TrimEnd() == "TunRead");
    }

    [Theory]
    [InlineData("")]
    [InlineData("show")]
    [InlineData("show keys")]
    [InlineData("STATS")]
    [InlineData("monitor")]
    public void Anything_else_is_not_a_one_shot_command(string command)
    {
        using var output = new StringWriter();

        Assert.False(ControlCommands.TryExecute(command, _engine, null, output));
        Assert.Empty(output.ToString());
    }

    private string Run(string command, Action<TextWriter>? daemon = null)
    {
        using var output = new StringWriter();
        Assert.True(ControlCommands.TryExecute(command, _engine, daemon, output));
        return output.ToString();
    }
}

using System.CommandLine;

namespace Netipsec.Cli.Control;

/// <summary>The subcommands that ask a running netipsecd: <c>show state|policy</c>, <c>stats</c> and <c>monitor</c>.</summary>
internal static class ControlCommandLine
{
    /// <summary>Adds the subcommands (and their <c>--control PATH</c> option) to <paramref name="root"/>.</summary>
    public static void AddTo(RootCommand root)
    {
        var control = new Option<string>("--control")
        {
            Description = "The daemon's control socket",
            DefaultValueFactory = _ => ControlClient.DefaultPath,
            Recursive = true,
        };

        var show = new Command("show", "Show the daemon's tables, laid out like ip -s xfrm");
        show.Subcommands.Add(Query("state", "The SAD: every SA with its lifetimes and counters (never keys)", "show state", control));
        show.Subcommands.Add(Query("policy", "The SPD: every policy with its templates", "show policy", control));
        show.Options.Add(control);
        root.Subcommands.Add(show);

        Command stats = Query("stats", "The 28 XFRM MIB counters (/proc/net/xfrm_stat), per-transform and daemon counters", "stats", control);
        stats.Options.Add(control);
        root.Subcommands.Add(stats);

        Command monitor = Query("monitor", "Stream ACQUIRE, EXPIRE and SA/policy changes as they happen (Ctrl+C ends)", "monitor", control);
        monitor.Options.Add(control);
        root.Subcommands.Add(monitor);
    }

    private static Command Query(string name, string description, string request, Option<string> control)
    {
        var command = new Command(name, description);
        command.SetAction((parseResult, cancellationToken) =>
            ControlClient.RunAsync(parseResult.GetValue(control)!, request, Console.Out, Console.Error, cancellationToken));
        return command;
    }
}

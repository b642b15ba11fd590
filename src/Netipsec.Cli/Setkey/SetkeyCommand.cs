using System.CommandLine;
using System.Net.Sockets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Setkey;

namespace Netipsec.Cli.Setkey;

/// <summary>
/// setkey(8)'s modes as options of the root command: <c>-c</c> (statements from standard input), <c>-f FILE</c>,
/// <c>-n</c> (check only: compile, report every error, connect to nothing), <c>-D</c>/<c>-DP</c> (dump SAD/SPD),
/// <c>-F</c>/<c>-FP</c> (flush SAD/SPD) and <c>-x</c> (monitor every PF_KEY message). <c>-DP</c> and <c>-FP</c> are
/// POSIX bundles of <c>-D</c>/<c>-F</c> with the policy modifier <c>-P</c>, as in setkey.
/// </summary>
internal static class SetkeyCommand
{
    public const string DefaultSocketPath = "/run/netipsec/pfkey.sock";

    /// <summary>Adds the setkey options and the action running them to <paramref name="root"/>.</summary>
    /// <param name="root">The netipsec root command (its subcommands keep working).</param>
    /// <param name="connect">Opens the channel to the daemon; called only by modes that change or read state.</param>
    /// <param name="standardInput">The reader -c takes its statements from.</param>
    public static void AddTo(RootCommand root, PfKeyConnector connect, Func<TextReader> standardInput)
    {
        var fromStdin = new Option<bool>("-c") { Description = "Read setkey statements from standard input" };
        var file = new Option<FileInfo?>("-f") { Description = "Read setkey statements from FILE", HelpName = "FILE" };
        var noAction = new Option<bool>("-n") { Description = "With -c or -f: check the statements and report every error; change nothing" };
        var dump = new Option<bool>("-D") { Description = "Dump the SAD (with -P: the SPD), keys included, as setkey -D does" };
        var flush = new Option<bool>("-F") { Description = "Flush the SAD (with -P: the SPD)" };
        var policy = new Option<bool>("-P") { Description = "With -D or -F: the SPD instead of the SAD (-DP, -FP)" };
        var monitor = new Option<bool>("-x") { Description = "Print every PF_KEY message the daemon sends, until interrupted" };
        var socket = new Option<string>("--socket")
        {
            Description = "netipsecd's PF_KEY socket",
            HelpName = "PATH",
            DefaultValueFactory = _ => DefaultSocketPath,
        };
        foreach (Option option in new Option[] { fromStdin, file, noAction, dump, flush, policy, monitor, socket })
        {
            root.Options.Add(option);
        }

        root.SetAction((result, cancellation) =>
        {
            var invocation = new SetkeyInvocation(
                result.InvocationConfiguration.Output,
                result.InvocationConfiguration.Error,
                connect,
                result.GetValue(socket) ?? DefaultSocketPath);
            List<SetkeyMode> modes = [];
            if (result.GetValue(fromStdin))
            {
                modes.Add(SetkeyMode.Stdin);
            }

            if (result.GetValue(file) is not null)
            {
                modes.Add(SetkeyMode.File);
            }

            if (result.GetValue(dump))
            {
                modes.Add(SetkeyMode.Dump);
            }

            if (result.GetValue(flush))
            {
                modes.Add(SetkeyMode.Flush);
            }

            if (result.GetValue(monitor))
            {
                modes.Add(SetkeyMode.Monitor);
            }

            if (modes.Count != 1)
            {
                return Task.FromResult(invocation.Usage(modes.Count == 0
                    ? "give one of -c, -f FILE, -D, -DP, -F, -FP or -x, or a command such as demo (see --help)"
                    : "give only one of -c, -f FILE, -D, -F and -x"));
            }

            bool policies = result.GetValue(policy);
            bool checkOnly = result.GetValue(noAction);
            SetkeyMode mode = modes[0];
            if (policies && mode is not (SetkeyMode.Dump or SetkeyMode.Flush))
            {
                return Task.FromResult(invocation.Usage("-P goes with -D or -F"));
            }

            if (checkOnly && mode is not (SetkeyMode.Stdin or SetkeyMode.File))
            {
                return Task.FromResult(invocation.Usage("-n goes with -c or -f"));
            }

            return mode switch
            {
                SetkeyMode.Stdin => Task.FromResult(invocation.RunInput(standardInput().ReadToEnd(), "stdin", checkOnly)),
                SetkeyMode.File => Task.FromResult(invocation.RunFile(result.GetValue(file)!, checkOnly)),
                SetkeyMode.Dump => Task.FromResult(invocation.RunInput(policies ? "spddump;" : "dump;", null, checkOnly: false)),
                SetkeyMode.Flush => Task.FromResult(invocation.RunInput(policies ? "spdflush;" : "flush;", null, checkOnly: false)),
                _ => invocation.MonitorAsync(cancellation),
            };
        });
    }

    /// <summary>True for the failures a connector reports when the daemon cannot be reached.</summary>
    internal static bool IsConnectFailure(Exception exception) => exception is IOException or SocketException or UnauthorizedAccessException;

    /// <summary>Connects, or writes the "cannot connect" error and returns null.</summary>
    internal static IPfKeyChannel? TryConnect(PfKeyConnector connect, string socketPath, TextWriter error)
    {
        try
        {
            return connect(socketPath);
        }
        catch (Exception exception) when (IsConnectFailure(exception))
        {
            error.WriteLine($"netipsec: cannot connect to netipsecd at {socketPath}: {exception.Message}");
            return null;
        }
    }
}

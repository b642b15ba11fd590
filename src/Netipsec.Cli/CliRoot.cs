using System.CommandLine;
using Netipsec.Cli.Control;
using Netipsec.Cli.Demo;
using Netipsec.Cli.Pcap;
using Netipsec.Cli.Setkey;

namespace Netipsec.Cli;

/// <summary>The netipsec command line: setkey's modes as root options, and the subcommands.</summary>
internal static class CliRoot
{
    /// <summary>Exit code of a command line that does not parse: a usage error, as setkey and the pcap tool document.</summary>
    public const int UsageError = 2;

    /// <summary>Parses and runs <paramref name="args"/>; a parse error (printed with the help hint) exits with <see cref="UsageError"/>.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, InvocationConfiguration? configuration = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ParseResult parsed = root.Parse(args);
        int exit = await parsed.InvokeAsync(configuration, cancellation).ConfigureAwait(false);
        return parsed.Errors.Count > 0 ? UsageError : exit;
    }

    /// <param name="connect">Opens the PF_KEY channel to netipsecd (tests pass an in-process one).</param>
    /// <param name="standardInput">Where -c reads its statements.</param>
    public static RootCommand Create(PfKeyConnector connect, Func<TextReader> standardInput)
    {
        var root = new RootCommand("netipsec: a user-space IPsec stack — setkey-style control, status and tools");
        SetkeyCommand.AddTo(root, connect, standardInput);

        var inProcess = new Option<bool>("--in-process") { Description = "Run the simulated sites in this process, even as root" };
        var demo = new Command("demo", "Run an ESP tunnel between two netipsecd in network namespaces (as root; else two simulated sites in memory) and print their SA tables")
        {
            inProcess,
        };
        demo.SetAction(result => result.GetValue(inProcess)
            ? InProcessDemo.Run(result.InvocationConfiguration.Output)
            : NamespaceDemo.Run(result.InvocationConfiguration.Output));
        root.Subcommands.Add(demo);
        root.Subcommands.Add(PcapCommand.Create());
        ControlCommandLine.AddTo(root);
        return root;
    }
}

using System.CommandLine;
using Netipsec.Cli.Control;
using Netipsec.Cli.Demo;
using Netipsec.Cli.Pcap;
using Netipsec.Cli.Setkey;

namespace Netipsec.Cli;

/// <summary>The netipsec command line: setkey's modes as root options, and the subcommands.</summary>
internal static class CliRoot
{
    /// <param name="connect">Opens the PF_KEY channel to netipsecd (tests pass an in-process one).</param>
    /// <param name="standardInput">Where -c reads its statements.</param>
    public static RootCommand Create(PfKeyConnector connect, Func<TextReader> standardInput)
    {
        var root = new RootCommand("netipsec: a user-space IPsec stack — setkey-style control, status and tools");
        SetkeyCommand.AddTo(root, connect, standardInput);

        var demo = new Command("demo", "Run two simulated hosts joined by an ESP tunnel and print their SA and policy tables");
        demo.SetAction(result => InProcessDemo.Run(result.InvocationConfiguration.Output));
        root.Subcommands.Add(demo);
        root.Subcommands.Add(PcapCommand.Create());
        ControlCommandLine.AddTo(root);
        return root;
    }
}

using System.CommandLine;
using Netipsec.Cli.Demo;
using Netipsec.Cli.Pcap;

var root = new RootCommand("netipsec: a user-space IPsec stack — setkey-style control, status and tools");

var demo = new Command("demo", "Run two simulated hosts joined by an ESP tunnel and print their SA and policy tables");
demo.SetAction(_ => InProcessDemo.Run(Console.Out));
root.Subcommands.Add(demo);
root.Subcommands.Add(PcapCommand.Create());

return root.Parse(args).Invoke();

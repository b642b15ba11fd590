using System.CommandLine;
using Netipsec.Cli.Control;
using Netipsec.Cli.Demo;

var root = new RootCommand("netipsec: a user-space IPsec stack — setkey-style control, status and tools");

var demo = new Command("demo", "Run two simulated hosts joined by an ESP tunnel and print their SA and policy tables");
demo.SetAction(_ => InProcessDemo.Run(Console.Out));
root.Subcommands.Add(demo);
ControlCommandLine.AddTo(root);

return root.Parse(args).Invoke();

using System.CommandLine;
using Netipsec.Cli.Control;
using Netipsec.Cli.Demo;

var root = new RootCommand("netipsec: a user-space IPsec stack — setkey-style control, status and tools");

var demo = new Command("demo", "Run an ESP tunnel between two netipsecd in network namespaces (as root; else in memory) and print their SAs");
demo.SetAction(_ => NamespaceDemo.Run(Console.Out));
root.Subcommands.Add(demo);
ControlCommandLine.AddTo(root);

return root.Parse(args).Invoke();

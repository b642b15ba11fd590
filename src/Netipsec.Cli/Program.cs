using System.CommandLine;
using Netipsec.Cli;
using Netipsec.Cli.Setkey;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Sockets;

RootCommand root = CliRoot.Create(ConnectToDaemon, () => Console.In);
return await CliRoot.InvokeAsync(root, args).ConfigureAwait(false);

// The one place the CLI reaches netipsecd: its PF_KEY socket (a SocketException when nothing listens there).
static IPfKeyChannel ConnectToDaemon(string socketPath) => PfKeySocket.Connect(socketPath);

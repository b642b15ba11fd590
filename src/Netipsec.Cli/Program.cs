using System.CommandLine;
using Netipsec.Cli;
using Netipsec.Cli.Setkey;
using Netipsec.PfKey.Channels;

RootCommand root = CliRoot.Create(ConnectToDaemon, () => Console.In);
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

// The one place the CLI reaches netipsecd. The PF_KEY socket client (PfKeySocket.Connect) is built on another branch;
// until it is wired in here, every setkey mode that needs the daemon reports that it cannot connect.
static IPfKeyChannel ConnectToDaemon(string socketPath) =>
    throw new IOException("this netipsec has no PF_KEY socket client yet");

using System.CommandLine;
using Netipsec.Engine;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.Transforms;

namespace Netipsec.Cli.Tests.Setkey;

/// <summary>
/// The netipsec command line over an in-process PfKeyService: every connection is an InProcessPfKeyChannel to the
/// same service, standard input is a string, and output and errors are captured.
/// </summary>
internal sealed class CliHarness
{
    public CliHarness() => Service = new PfKeyService(new XfrmEngine(TimeProvider.System, XfrmTypeRegistry.CreateDefault()));

    public PfKeyService Service { get; }

    /// <summary>Socket paths the CLI connected to, in order.</summary>
    public List<string> Connections { get; } = [];

    /// <summary>When set, connecting fails as an absent daemon does.</summary>
    public bool DaemonDown { get; set; }

    public string Stdin { get; set; } = string.Empty;

    /// <summary>When set, connections get this channel instead of one to <see cref="Service"/>.</summary>
    public IPfKeyChannel? Channel { get; set; }

    public CliRun Run(params string[] args) => RunAsync(CancellationToken.None, args).GetAwaiter().GetResult();

    public async Task<CliRun> RunAsync(CancellationToken cancellation, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        RootCommand root = CliRoot.Create(Connect, () => new StringReader(Stdin));
        int exit = await CliRoot.InvokeAsync(root, args, new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = error }, cancellation);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    private IPfKeyChannel Connect(string path)
    {
        Connections.Add(path);
        return DaemonDown ? throw new IOException("Connection refused") : Channel ?? new InProcessPfKeyChannel(Service);
    }
}

/// <summary>One invocation's exit code and text.</summary>
internal sealed record CliRun(int Exit, string Output, string Error);

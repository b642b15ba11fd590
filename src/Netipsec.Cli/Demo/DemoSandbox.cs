using System.Diagnostics;
using System.Globalization;

namespace Netipsec.Cli.Demo;

/// <summary>
/// What the namespace demo creates — two network namespaces joined by a veth pair, a netipsecd in each, a scratch
/// folder for their configurations and sockets — and removes again on <see cref="Dispose"/>, whatever state the
/// demo stopped in. Names carry the process id, so two demos never share a namespace.
/// </summary>
internal sealed class DemoSandbox : IDisposable
{
    private readonly List<Process> _daemons = [];
    private readonly List<string> _namespaces = [];
    private int _disposed;

    public DemoSandbox()
    {
        string id = Environment.ProcessId.ToString("x", CultureInfo.InvariantCulture);
        West = $"nx-demo-{id}-west";
        East = $"nx-demo-{id}-east";
        WestVeth = $"nxdemo{id}w";
        EastVeth = $"nxdemo{id}e";
        Directory = System.IO.Directory.CreateTempSubdirectory("nx-demo-").FullName;
    }

    public string West { get; }

    public string East { get; }

    public string WestVeth { get; }

    public string EastVeth { get; }

    /// <summary>The scratch folder (configurations, control and PF_KEY sockets).</summary>
    public string Directory { get; }

    /// <summary>Creates the namespaces and the veth pair between them, with 192.0.2.1 (west) and 192.0.2.2 (east).</summary>
    public async Task CreateNetworkAsync(CancellationToken cancellationToken)
    {
        foreach (string name in new[] { West, East })
        {
            await MustAsync("ip", ["netns", "add", name], cancellationToken).ConfigureAwait(false);
            _namespaces.Add(name);
            await MustAsync("ip", ["-n", name, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
        }

        await MustAsync("ip", ["link", "add", WestVeth, "netns", West, "type", "veth", "peer", "name", EastVeth, "netns", East], cancellationToken).ConfigureAwait(false);
        foreach ((string netns, string veth, string address) in new[] { (West, WestVeth, "192.0.2.1/24"), (East, EastVeth, "192.0.2.2/24") })
        {
            await MustAsync("ip", ["-n", netns, "addr", "add", address, "dev", veth], cancellationToken).ConfigureAwait(false);
            await MustAsync("ip", ["-n", netns, "link", "set", veth, "up"], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts netipsecd (<paramref name="daemonPath"/>) in <paramref name="netns"/>; returns its control socket's path.</summary>
    public string StartDaemon(string daemonPath, string netns, string name, string tunAddress, string config)
    {
        string configPath = Path.Combine(Directory, name + ".conf");
        File.WriteAllText(configPath, config);
        string control = Path.Combine(Directory, name + ".ctl");
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            "netns", "exec", netns, "dotnet", "exec", daemonPath, "--tun", "nxdemo-" + name, "--address", tunAddress,
            "--config", configPath, "--control", control, "--pfkey-socket", Path.Combine(Directory, name + ".pfkey"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        // ip execs, so this process id is the daemon's. Its log is not shown; reading it keeps the pipes from filling.
        Process daemon = Process.Start(start)!;
        _daemons.Add(daemon);
        daemon.OutputDataReceived += static (_, _) => { };
        daemon.ErrorDataReceived += static (_, _) => { };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        return control;
    }

    /// <summary>True while every daemon started runs.</summary>
    public bool DaemonsRunning => _daemons.TrueForAll(static daemon => !daemon.HasExited);

    /// <summary>Runs a command to completion (killed when <paramref name="cancellationToken"/> fires); its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
    }

    /// <summary>Stops the daemons (SIGTERM, then SIGKILL), deletes the namespaces (and with them the veth) and the scratch folder.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (Process daemon in _daemons)
        {
            if (!daemon.HasExited)
            {
                Run("kill", "-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture));
                if (!daemon.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    daemon.Kill();
                }
            }

            daemon.Dispose();
        }

        foreach (string name in _namespaces)
        {
            Run("ip", "netns", "del", name);
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static async Task MustAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        (int code, string output) = await RunAsync(file, arguments, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({code}): {output.Trim()}");
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        process.WaitForExit();
    }
}

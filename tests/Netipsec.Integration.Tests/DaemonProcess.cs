using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Netipsec.Integration.Tests;

/// <summary>
/// One netipsecd started as its own process inside a namespace (<c>ip netns exec NS dotnet exec netipsecd.dll</c>;
/// ip execs, so the process id is the daemon's), with its output kept for failure messages and its control socket
/// for queries. Disposing stops it with SIGTERM, then by its id if it does not stop.
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <param name="options">More netipsecd switches (e.g. <c>--nat-keepalive 1</c>), after the ones every test gives.</param>
    public DaemonProcess(string netns, string directory, string name, string tun, string address, string configPath, IReadOnlyList<string>? options = null)
    {
        ControlPath = Path.Combine(directory, name + ".ctl");
        PfKeyPath = Path.Combine(directory, name + ".pfkey");
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments =
        [
            "netns", "exec", netns, "dotnet", "exec", Prerequisites.DaemonPath,
            "--tun", tun, "--address", address, "--config", configPath,
            "--control", ControlPath, "--pfkey-socket", PfKeyPath,
            .. options ?? Array.Empty<string>(),
        ];
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string ControlPath { get; }

    public string PfKeyPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the daemon logged so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until the control socket answers (the daemon is up); false if it exits or times out first.</summary>
    public bool WaitUntilReady() => Shell.Eventually(() => HasExited || TryQuery("show policy", out _)) && !HasExited;

    /// <summary>Asks the control socket, as <c>netipsec</c> does; throws when the daemon does not answer.</summary>
    public string Query(string command) =>
        TryQuery(command, out string answer) ? answer : throw new InvalidOperationException($"no answer to '{command}'. Daemon output:\n{Output}");

    public bool TryQuery(string command, out string answer)
    {
        answer = string.Empty;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(ControlPath));
            socket.Send(Encoding.UTF8.GetBytes(command + "\n"));
            using var stream = new NetworkStream(socket);
            using var reader = new StreamReader(stream);
            answer = reader.ReadToEnd();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Opens a <c>monitor</c> session: the event lines as the daemon streams them (after its greeting).</summary>
    public StreamReader Monitor()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 20_000 };
        socket.Connect(new UnixDomainSocketEndPoint(ControlPath));
        socket.Send(Encoding.UTF8.GetBytes("monitor\n"));
        var reader = new StreamReader(new NetworkStream(socket, ownsSocket: true));
        Assert.StartsWith("monitoring", reader.ReadLine(), StringComparison.Ordinal);
        return reader;
    }

    /// <summary>Sends a signal by process id (SIGHUP reloads, SIGTERM stops).</summary>
    public void Signal(string signal) => Shell.Must("kill", "-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Waits for the process to end; its exit code, or null on timeout.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return null;
        }

        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Shell.Run("kill", "-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}

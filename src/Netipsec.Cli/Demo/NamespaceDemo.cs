using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Netipsec.Cli.Control;

namespace Netipsec.Cli.Demo;

/// <summary>
/// <c>netipsec demo</c> on a real network: two namespaces joined by a veth pair, netipsecd in each carrying an ESP
/// tunnel (AES-GCM-128 with fresh random keys) between sites 10.1.0.0/24 and 10.2.0.0/24; pings and an iperf3 TCP
/// transfer cross it, then both daemons' SA tables and counters are printed and everything is removed, also after
/// Ctrl+C or a failure. Without root, ip(8), dotnet or netipsecd it says why and runs the in-process demo.
/// </summary>
internal static class NamespaceDemo
{
    private const int TransferSeconds = 3;

    /// <summary>netipsecd as built next to the CLI (the CLI project references the daemon's).</summary>
    public static string DaemonPath => Path.Combine(AppContext.BaseDirectory, "netipsecd.dll");

    public static int Run(TextWriter output)
    {
        if (WhyNotHere() is { } reason)
        {
            output.WriteLine($"netipsec demo: {reason} Running the in-process demo instead.");
            output.WriteLine();
            return InProcessDemo.Run(output);
        }

        using var cancellation = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // the demo ends itself, after cleaning up
            cancellation.Cancel();
        }

        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sandbox = new DemoSandbox();
        try
        {
            return RunAsync(sandbox, output, cancellation.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            output.WriteLine("interrupted: removing the namespaces and stopping the daemons");
            return 130;
        }
        catch (InvalidOperationException exception)
        {
            output.WriteLine($"demo failed: {exception.Message}");
            return 1;
        }
        finally
        {
            output.WriteLine($"cleaned up: {sandbox.West}, {sandbox.East} and their daemons are gone");
        }
    }

    /// <summary>Why the namespace demo cannot run here; null when it can.</summary>
    public static string? WhyNotHere()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux.";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "not root: network namespaces, veth pairs and TUN devices need root.";
        }

        if (!File.Exists("/dev/net/tun"))
        {
            return "no /dev/net/tun: the kernel has no TUN support here.";
        }

        foreach (string tool in new[] { "ip", "ping", "dotnet" })
        {
            if (FindOnPath(tool) is null)
            {
                return $"'{tool}' is not on the PATH.";
            }
        }

        return File.Exists(DaemonPath) ? null : $"netipsecd is not next to the CLI ({DaemonPath}).";
    }

    private static async Task<int> RunAsync(DemoSandbox sandbox, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine("Netipsec namespace demo: site west 10.1.0.0/24 behind netipsecd in namespace " + sandbox.West + " (192.0.2.1),");
        output.WriteLine("site east 10.2.0.0/24 behind netipsecd in " + sandbox.East + " (192.0.2.2), joined by an ESP tunnel");
        output.WriteLine("(AES-GCM-128, RFC 4106, fresh random keys) over a veth pair. The kernel routes each site's traffic into a TUN.");
        output.WriteLine();

        await sandbox.CreateNetworkAsync(cancellationToken).ConfigureAwait(false);
        string westKey = RandomKey();
        string eastKey = RandomKey();
        string westControl = sandbox.StartDaemon(DaemonPath, sandbox.West, "west", "10.1.0.1/32", SiteConfig("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", westKey, eastKey, 0x1001, 0x2002));
        string eastControl = sandbox.StartDaemon(DaemonPath, sandbox.East, "east", "10.2.0.1/32", SiteConfig("192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24", eastKey, westKey, 0x2002, 0x1001));
        await WaitForRouteAsync(sandbox, sandbox.West, "10.2.0.0/24 dev nxdemo-west", cancellationToken).ConfigureAwait(false);
        await WaitForRouteAsync(sandbox, sandbox.East, "10.1.0.0/24 dev nxdemo-east", cancellationToken).ConfigureAwait(false);
        output.WriteLine("both daemons are up and routing the other site into their TUN");

        bool westToEast = await PingAsync(output, sandbox.West, "10.1.0.1", "10.2.0.1", cancellationToken).ConfigureAwait(false);
        bool eastToWest = await PingAsync(output, sandbox.East, "10.2.0.1", "10.1.0.1", cancellationToken).ConfigureAwait(false);
        bool transferred = await TransferAsync(output, sandbox, cancellationToken).ConfigureAwait(false);

        foreach ((string name, string control) in new[] { ("west", westControl), ("east", eastControl) })
        {
            output.WriteLine();
            output.WriteLine($"== {name}: SAs (netipsec show state) ==");
            await ControlClient.RunAsync(control, "show state", output, output, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"== {name}: counters that moved (netipsec stats) ==");
            using var stats = new StringWriter(CultureInfo.InvariantCulture);
            await ControlClient.RunAsync(control, "stats", stats, output, cancellationToken).ConfigureAwait(false);
            foreach (string line in stats.ToString().Split('\n').Where(static line => line.Split('\t') is [_, { } value] && value.Trim() != "0"))
            {
                output.WriteLine(line);
            }
        }

        output.WriteLine();
        return westToEast && eastToWest && transferred ? 0 : 1;
    }

    private static async Task<bool> PingAsync(TextWriter output, string netns, string source, string destination, CancellationToken cancellationToken)
    {
        (int code, string result) = await DemoSandbox.RunAsync("ip", ["netns", "exec", netns, "ping", "-c", "3", "-W", "3", "-I", source, destination], cancellationToken).ConfigureAwait(false);
        string summary = result.Split('\n').FirstOrDefault(static line => line.Contains("packets transmitted", StringComparison.Ordinal)) ?? result.Trim();
        output.WriteLine($"ping {source} -> {destination}: {summary}");
        return code == 0;
    }

    /// <summary>An iperf3 TCP transfer from west to east through the tunnel; prints the receiver's throughput.</summary>
    private static async Task<bool> TransferAsync(TextWriter output, DemoSandbox sandbox, CancellationToken cancellationToken)
    {
        if (FindOnPath("iperf3") is null)
        {
            output.WriteLine("TCP transfer: skipped, iperf3 is not on the PATH");
            return true;
        }

        Task<(int ExitCode, string Output)> server = DemoSandbox.RunAsync("ip", ["netns", "exec", sandbox.East, "iperf3", "-s", "-1", "-B", "10.2.0.1"], cancellationToken);
        (int code, string json) = (1, string.Empty);
        for (int attempt = 0; attempt < 20 && code != 0 && !server.IsCompleted; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false); // until the server listens
            (code, json) = await DemoSandbox.RunAsync("ip", ["netns", "exec", sandbox.West, "iperf3", "-c", "10.2.0.1", "-B", "10.1.0.1", "-t", TransferSeconds.ToString(CultureInfo.InvariantCulture), "-J"], cancellationToken).ConfigureAwait(false);
        }

        await server.ConfigureAwait(false);
        if (code != 0)
        {
            output.WriteLine($"TCP transfer: iperf3 failed: {json.Trim()}");
            return false;
        }

        using JsonDocument report = JsonDocument.Parse(json);
        JsonElement received = report.RootElement.GetProperty("end").GetProperty("sum_received");
        double megabits = received.GetProperty("bits_per_second").GetDouble() / 1e6;
        double mebibytes = received.GetProperty("bytes").GetDouble() / (1024 * 1024);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TCP transfer 10.1.0.1 -> 10.2.0.1 (iperf3, {TransferSeconds} s): {mebibytes:F1} MiB received, {megabits:F0} Mbit/s"));
        return true;
    }

    private static async Task WaitForRouteAsync(DemoSandbox sandbox, string netns, string route, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (sandbox.DaemonsRunning && DateTime.UtcNow < deadline)
        {
            (_, string routes) = await DemoSandbox.RunAsync("ip", ["-n", netns, "route"], cancellationToken).ConfigureAwait(false);
            if (routes.Contains(route, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"netipsecd in {netns} did not come up (no route {route})");
    }

    /// <summary>One gateway's setkey configuration: both SAs and the out, in and fwd policies of the tunnel.</summary>
    private static string SiteConfig(string localOuter, string remoteOuter, string localNet, string remoteNet, string outboundKey, string inboundKey, uint outboundSpi, uint inboundSpi) => $"""
        flush;
        spdflush;
        add {localOuter} {remoteOuter} esp 0x{outboundSpi:x} -m tunnel -r 64 -E aes-gcm-16 {outboundKey};
        add {remoteOuter} {localOuter} esp 0x{inboundSpi:x} -m tunnel -r 64 -E aes-gcm-16 {inboundKey};
        spdadd {localNet} {remoteNet} any -P out ipsec esp/tunnel/{localOuter}-{remoteOuter}/require;
        spdadd {remoteNet} {localNet} any -P in ipsec esp/tunnel/{remoteOuter}-{localOuter}/require;
        spdadd {remoteNet} {localNet} any -P fwd ipsec esp/tunnel/{remoteOuter}-{localOuter}/require;

        """;

    /// <summary>16 key bytes and a 4-byte salt (RFC 4106), as setkey hex.</summary>
    private static string RandomKey() => "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
}

using System.Text.RegularExpressions;
using Netipsec.Cli.Demo;

namespace Netipsec.Cli.Tests.Demo;

/// <summary>The real <c>netipsec demo</c>: two netipsecd in network namespaces (root only; skipped otherwise).</summary>
public sealed partial class NamespaceDemoTests
{
    [RootDemoFact]
    public void The_demo_pings_and_transfers_through_the_tunnel_prints_both_SA_tables_and_removes_its_namespaces()
    {
        using var output = new StringWriter();
        int code = NamespaceDemo.Run(output);
        string text = output.ToString();

        Assert.True(code == 0, text);
        Assert.Contains("ping 10.1.0.1 -> 10.2.0.1: 3 packets transmitted, 3 received", text, StringComparison.Ordinal);
        Assert.Contains("ping 10.2.0.1 -> 10.1.0.1: 3 packets transmitted, 3 received", text, StringComparison.Ordinal);
        Assert.Matches(Throughput(), text);
        Assert.Contains("== west: SAs (netipsec show state) ==", text, StringComparison.Ordinal);
        Assert.Contains("== east: SAs (netipsec show state) ==", text, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(text, "proto esp spi 0x0000(1001|2002) reqid 0 mode tunnel"));

        // Both gateways' outbound SAs carried the transfer: thousands of packets, not the handful of pings.
        Assert.All(PacketCounts().Matches(text), match => Assert.True(long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 6, text));

        string namespaces = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ip", "netns list") { RedirectStandardOutput = true })!.StandardOutput.ReadToEnd();
        Assert.DoesNotContain($"nx-demo-{Environment.ProcessId:x}-", namespaces, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"TCP transfer 10\.1\.0\.1 -> 10\.2\.0\.1 \(iperf3, 3 s\): [0-9.]+ MiB received, [1-9][0-9]* Mbit/s")]
    private static partial Regex Throughput();

    [GeneratedRegex(@"EspPackets\s+\t(\d+)")]
    private static partial Regex PacketCounts();

    /// <summary>Runs only where the namespace demo can (root, ip, dotnet, netipsecd); the skip says what is missing.</summary>
    private sealed class RootDemoFactAttribute : FactAttribute
    {
        public RootDemoFactAttribute()
        {
            if (NamespaceDemo.WhyNotHere() is { } reason)
            {
                Skip = reason;
            }
            else if (!File.Exists("/usr/bin/iperf3") && !File.Exists("/usr/local/bin/iperf3"))
            {
                Skip = "iperf3 is not installed: the demo's TCP transfer would be skipped.";
            }
        }
    }
}

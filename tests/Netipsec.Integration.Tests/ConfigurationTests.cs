using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Setkey;
using Netipsec.PfKey.Sockets;
using Netipsec.PfKey.Wire;

namespace Netipsec.Integration.Tests;

/// <summary>The daemon's configuration file as an administrator meets it: refused whole at start, reloaded by SIGHUP, routes following the policies.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private const string Tun = "nxd-conf";
    private readonly string _directory = Directory.CreateTempSubdirectory("nx-daemon-").FullName;
    private readonly string _id = Environment.ProcessId.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    [NetnsFact]
    public void A_bad_line_stops_the_start_with_file_line_and_column_and_creates_nothing()
    {
        using var netns = new Namespace($"nx-daemon-b{_id}");
        string path = Path.Combine(_directory, "bad.conf");
        File.WriteAllText(path, SiteConfig.West.Text(withIpv6: false).Replace("-P fwd", "-P sideways", StringComparison.Ordinal));
        using var daemon = new DaemonProcess(netns.Name, _directory, "bad", Tun, "10.1.0.1/32", path);

        int? exitCode = daemon.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(exitCode is not null and not 0, $"exit code {exitCode}:\n{daemon.Output}");
        Assert.Contains($"{path}:8:", daemon.Output, StringComparison.Ordinal);
        Assert.False(netns.HasLink(Tun));
        Assert.DoesNotContain("10.2.0.0/24", netns.Routes(), StringComparison.Ordinal);
    }

    [NetnsFact]
    public void SIGHUP_applies_only_the_difference_and_SIGTERM_removes_routes_and_TUN()
    {
        using var netns = new Namespace($"nx-daemon-r{_id}");
        string path = Path.Combine(_directory, "reload.conf");
        File.WriteAllText(path, SiteConfig.West.Text(withIpv6: false));
        using var daemon = new DaemonProcess(netns.Name, _directory, "reload", Tun, "10.1.0.1/32", path);
        Assert.True(daemon.WaitUntilReady(), daemon.Output);
        Assert.True(Shell.Eventually(() => netns.Routes().Contains($"10.2.0.0/24 dev {Tun}", StringComparison.Ordinal)), daemon.Output);
        string statesBefore = daemon.Query("show state");

        File.WriteAllText(path, SiteConfig.West.Text(withIpv6: false).Replace("10.2.0.0/24", "10.3.0.0/24", StringComparison.Ordinal));
        daemon.Signal("HUP");

        Assert.True(Shell.Eventually(() => daemon.Output.Contains("3 added, 3 removed, 2 unchanged", StringComparison.Ordinal)), daemon.Output);
        Assert.True(Shell.Eventually(() => netns.Routes() is var routes
            && routes.Contains($"10.3.0.0/24 dev {Tun}", StringComparison.Ordinal)
            && !routes.Contains("10.2.0.0/24", StringComparison.Ordinal)), netns.Routes() + daemon.Output);
        Assert.Equal(statesBefore, daemon.Query("show state")); // the SAs kept running: same add time, same counters
        Assert.Contains("10.3.0.0/24", daemon.Query("show policy"), StringComparison.Ordinal);

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.False(netns.HasLink(Tun));
        Assert.DoesNotContain("10.3.0.0/24", netns.Routes(), StringComparison.Ordinal);
        Assert.False(File.Exists(daemon.ControlPath));
    }

    [NetnsFact]
    public void A_key_manager_on_the_PF_KEY_socket_changes_the_SPD_the_route_follows_and_monitor_reports_it()
    {
        using var netns = new Namespace($"nx-daemon-k{_id}");
        string path = Path.Combine(_directory, "keyed.conf");
        File.WriteAllText(path, SiteConfig.West.Text(withIpv6: false));
        using var daemon = new DaemonProcess(netns.Name, _directory, "keyed", Tun, "10.1.0.1/32", path);
        Assert.True(daemon.WaitUntilReady(), daemon.Output);
        using StreamReader monitor = daemon.Monitor();

        using (PfKeySocket keyManager = PfKeySocket.Connect(daemon.PfKeyPath))
        using (SetkeyCompilation compilation = SetkeyCompiler.Compile("spdadd 10.1.0.0/24 10.5.0.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;\n"))
        {
            SetkeyStatement statement = Assert.Single(compilation.Statements);
            Assert.Equal(PfKeyErrno.None, keyManager.Send(statement.Request.Span));
            byte[] reply = new byte[PfKeyChannelLimits.MaxMessageLength];
            int length = keyManager.Receive(reply, TimeSpan.FromSeconds(10));
            Assert.True(PfKeyMessage.TryParse(reply.AsSpan(0, length), PfKeyOrigin.Service, out PfKeyMessage answer, out _));
            Assert.Equal((MessageType.SpdAdd, PfKeyErrno.None), (answer.Header.Type, answer.Header.Errno));
        }

        Assert.True(Shell.Eventually(() => netns.Routes().Contains($"10.5.0.0/24 dev {Tun}", StringComparison.Ordinal)), netns.Routes() + daemon.Output);
        string? line;
        do
        {
            line = monitor.ReadLine();
        }
        while (line is not null && !line.StartsWith("pfkey spdadd", StringComparison.Ordinal));

        Assert.Equal("pfkey spdadd dir outbound", line?[..25]);
        Assert.EndsWith("src 10.1.0.0/24 dst 10.5.0.0/24", line, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

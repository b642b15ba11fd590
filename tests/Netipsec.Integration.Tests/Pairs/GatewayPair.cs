using System.Globalization;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// Two gateways like <see cref="TwoSites"/>, built from a <see cref="GatewaySetup"/>: namespaces named by its prefix
/// (nx-netns-* unless it says otherwise), a veth pair with 192.0.2.1/2001:db8::1 on the west end and
/// 192.0.2.2/2001:db8::2 on the east end (unless the setup links them its own way), and a netipsecd per namespace with
/// that setup's configuration. Everything it creates goes on dispose, even after a failed start.
/// </summary>
public abstract class GatewayPair : IDisposable
{
    public const string WestTun = "nxn-west";
    public const string EastTun = "nxn-east";

    private readonly List<IDisposable> _owned = [];
    private readonly string _namespacePrefix;
    private readonly string _id;
    private readonly GatewaySetup _setup;

    private protected GatewayPair(GatewaySetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        string id = Environment.ProcessId.ToString("x", CultureInfo.InvariantCulture);
        Directory = System.IO.Directory.CreateTempSubdirectory(setup.NamespacePrefix + "-").FullName;
        WestVeth = $"nxn{setup.Name}w{id}";
        EastVeth = $"nxn{setup.Name}e{id}";
        _namespacePrefix = $"{setup.NamespacePrefix}-{setup.Name}-";
        _id = id;
        _setup = setup;
        if (Prerequisites.Reason is not null)
        {
            return; // the tests skip; nothing to build
        }

        try
        {
            West = AddNamespace("w");
            East = AddNamespace("e");
            if (setup.Link is { } link)
            {
                link(this);
            }
            else
            {
                Shell.Must("ip", "link", "add", WestVeth, "netns", West.Name, "type", "veth", "peer", "name", EastVeth, "netns", East.Name);
                Address(West, WestVeth, "192.0.2.1/24", "2001:db8::1/64");
                Address(East, EastVeth, "192.0.2.2/24", "2001:db8::2/64");
            }

            StartDaemons();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Directory { get; }

    public string WestVeth { get; }

    public string EastVeth { get; }

    internal Namespace West { get; } = null!;

    internal Namespace East { get; } = null!;

    internal DaemonProcess WestDaemon { get; private set; } = null!;

    /// <summary>The east daemon; absent (null) when the east end is a test's own peer: see <see cref="HasEastDaemon"/>.</summary>
    internal DaemonProcess EastDaemon { get; private set; } = null!;

    internal bool HasEastDaemon => EastDaemon is not null;

    /// <summary>Pings <paramref name="destination"/> from <paramref name="source"/> inside <paramref name="from"/>; fails the test with both daemons' logs when no reply comes.</summary>
    internal void MustPing(Namespace from, string source, string destination, params string[] options)
    {
        (int code, string output) = Shell.InNamespace(from.Name, "ping", ["-c", "3", "-W", "3", "-I", source, .. options, destination]);
        Assert.True(code == 0, $"ping {source} -> {destination}: {output}\nwest:\n{WestDaemon.Query("stats")}{WestDaemon.Output}{(HasEastDaemon ? $"\neast:\n{EastDaemon.Query("stats")}{EastDaemon.Output}" : string.Empty)}");
    }

    public void Dispose()
    {
        // Daemons first (they remove their TUNs and routes), then the namespaces, newest first.
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Stops both daemons with SIGTERM (each must exit cleanly) and starts them again on the same configuration files:
    /// a restart, with fresh SAs and counters on both ends.
    /// </summary>
    internal void RestartDaemons()
    {
        foreach (DaemonProcess daemon in HasEastDaemon ? [WestDaemon, EastDaemon] : new[] { WestDaemon })
        {
            daemon.Signal("TERM");
            Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)) == 0, "a daemon did not stop cleanly:\n" + daemon.Output);
            daemon.Dispose();
            _owned.Remove(daemon);
        }

        StartDaemons();
    }

    /// <summary>A further namespace the pair owns (deleted on dispose), named like the gateways' with <paramref name="role"/> at the end.</summary>
    internal Namespace AddNamespace(string role) => Own(new Namespace(_namespacePrefix + role + _id));

    /// <summary>Gives <paramref name="veth"/> in <paramref name="netns"/> both addresses and brings it up.</summary>
    internal static void Address(Namespace netns, string veth, string ipv4, string ipv6)
    {
        netns.Ip("addr", "add", ipv4, "dev", veth);
        netns.Ip("-6", "addr", "add", ipv6, "dev", veth, "nodad");
        netns.Ip("link", "set", veth, "up");
    }

    private static void WaitForRoute(Namespace netns, DaemonProcess daemon, string? route, string tun)
    {
        if (route is not null)
        {
            string family = route.Contains(':', StringComparison.Ordinal) ? "-6" : "-4";
            Assert.True(
                Shell.Eventually(() => netns.Ip(family, "route", "show", "table", "all").Contains($"{route} dev {tun}", StringComparison.Ordinal)),
                $"{netns.Name} never routed {route} into its TUN:\n{daemon.Output}");
        }
    }

    private void StartDaemons()
    {
        WestDaemon = Own(Start(West, "west", WestTun, _setup.WestTunAddress, _setup.WestConfig));
        Assert.True(WestDaemon.WaitUntilReady(), "west did not start:\n" + WestDaemon.Output);
        WaitForRoute(West, WestDaemon, _setup.WestRoute, WestTun);
        if (_setup.EastIsDaemon)
        {
            EastDaemon = Own(Start(East, "east", EastTun, _setup.EastTunAddress, _setup.EastConfig));
            Assert.True(EastDaemon.WaitUntilReady(), "east did not start:\n" + EastDaemon.Output);
            WaitForRoute(East, EastDaemon, _setup.EastRoute, EastTun);
        }
    }

    private DaemonProcess Start(Namespace netns, string name, string tun, string address, string config)
    {
        string path = Path.Combine(Directory, name + ".conf");
        File.WriteAllText(path, config);
        return new DaemonProcess(netns.Name, Directory, name, tun, address, path, _setup.DaemonOptions);
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}

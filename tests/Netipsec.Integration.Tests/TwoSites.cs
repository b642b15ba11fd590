namespace Netipsec.Integration.Tests;

/// <summary>
/// Two gateways, each in its own namespace, joined by a veth pair (192.0.2.1/2001:db8:ff::1 and
/// 192.0.2.2/2001:db8:ff::2), each running netipsecd with a TUN (10.1.0.1/2001:db8:1::1 and 10.2.0.1/2001:db8:2::1)
/// and the tunnel configuration of its site: one ESP tunnel over IPv4, one over IPv6. Everything it creates —
/// namespaces, processes, files — goes on dispose, even after a failed start.
/// </summary>
public sealed class TwoSites : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public TwoSites()
    {
        string id = Environment.ProcessId.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        Directory = System.IO.Directory.CreateTempSubdirectory("nx-daemon-").FullName;
        if (Prerequisites.Reason is not null)
        {
            return; // the tests skip; nothing to build
        }

        try
        {
            West = Own(new Namespace($"nx-daemon-w{id}"));
            East = Own(new Namespace($"nx-daemon-e{id}"));
            Shell.Must("ip", "link", "add", $"nxdw{id}", "netns", West.Name, "type", "veth", "peer", "name", $"nxde{id}", "netns", East.Name);
            West.Ip("addr", "add", "192.0.2.1/24", "dev", $"nxdw{id}");
            West.Ip("addr", "add", "2001:db8:ff::1/64", "dev", $"nxdw{id}", "nodad");
            West.Ip("link", "set", $"nxdw{id}", "up");
            East.Ip("addr", "add", "192.0.2.2/24", "dev", $"nxde{id}");
            East.Ip("addr", "add", "2001:db8:ff::2/64", "dev", $"nxde{id}", "nodad");
            East.Ip("link", "set", $"nxde{id}", "up");
            WestDaemon = Own(Start(West, "west", WestTun, "10.1.0.1/32,2001:db8:1::1/128", SiteConfig.West));
            EastDaemon = Own(Start(East, "east", EastTun, "10.2.0.1/32,2001:db8:2::1/128", SiteConfig.East));
            Assert.True(WestDaemon.WaitUntilReady(), "west did not start:\n" + WestDaemon.Output);
            Assert.True(EastDaemon.WaitUntilReady(), "east did not start:\n" + EastDaemon.Output);
            Assert.True(Shell.Eventually(() => West.Routes().Contains($"10.2.0.0/24 dev {WestTun}", StringComparison.Ordinal)), "west never routed the east site into its TUN:\n" + WestDaemon.Output);
            Assert.True(Shell.Eventually(() => East.Routes().Contains($"10.1.0.0/24 dev {EastTun}", StringComparison.Ordinal)), "east never routed the west site into its TUN:\n" + EastDaemon.Output);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public const string WestTun = "nxd-west";
    public const string EastTun = "nxd-east";

    public string Directory { get; }

    internal Namespace West { get; } = null!;

    internal Namespace East { get; } = null!;

    internal DaemonProcess WestDaemon { get; } = null!;

    internal DaemonProcess EastDaemon { get; } = null!;

    public void Dispose()
    {
        // Daemons first (they remove their TUNs and routes), then the namespaces, newest first.
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private DaemonProcess Start(Namespace netns, string name, string tun, string address, SiteConfig config)
    {
        string path = Path.Combine(Directory, name + ".conf");
        File.WriteAllText(path, config.Text());
        return new DaemonProcess(netns.Name, Directory, name, tun, address, path);
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}

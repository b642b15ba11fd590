namespace Netipsec.Integration.Tests;

/// <summary>A network namespace this test created (named nx-daemon-*), with loopback up; deleted on dispose.</summary>
internal sealed class Namespace : IDisposable
{
    public Namespace(string name)
    {
        Name = name;
        Shell.Run("ip", "netns", "del", name); // a run that crashed may have left it
        Shell.Must("ip", "netns", "add", name);
        Shell.Must("ip", "-n", name, "link", "set", "lo", "up");
    }

    public string Name { get; }

    /// <summary>Runs <c>ip -n NAME ...</c>.</summary>
    public string Ip(params string[] arguments) => Shell.Must("ip", ["-n", Name, .. arguments]);

    /// <summary>True when the interface exists in the namespace.</summary>
    public bool HasLink(string name) => Shell.Run("ip", "-n", Name, "link", "show", name).ExitCode == 0;

    /// <summary>The namespace's IPv4 routes, as <c>ip route</c> prints them.</summary>
    public string Routes() => Ip("route");

    /// <summary>The namespace's IPv6 routes.</summary>
    public string Routes6() => Ip("-6", "route");

    public void Dispose() => Shell.Run("ip", "netns", "del", Name);
}

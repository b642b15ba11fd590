namespace Netipsec.Integration.Tests;

/// <summary>What the namespace tests need, and in words what is missing when something is.</summary>
internal static class Prerequisites
{
    private static readonly Lazy<string?> Missing = new(Check);

    /// <summary>Null when the tests can run; otherwise why not.</summary>
    public static string? Reason => Missing.Value;

    /// <summary>The daemon as built next to these tests (the project reference copies it).</summary>
    public static string DaemonPath => Path.Combine(AppContext.BaseDirectory, "netipsecd.dll");

    /// <summary>The system Python (with scapy), not whatever python3 comes first on the PATH.</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Finds <paramref name="tool"/> on the PATH; null when absent.</summary>
    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);

    private static string? Check()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Linux network namespaces are needed.";
        }

        if (Environment.UserName != "root")
        {
            return "Not root: creating network namespaces, veth pairs and TUN devices needs root.";
        }

        if (!File.Exists("/dev/net/tun"))
        {
            return "No /dev/net/tun: the kernel has no TUN support here.";
        }

        foreach (string tool in new[] { "ip", "ping", "kill" })
        {
            if (Find(tool) is null)
            {
                return $"'{tool}' is not on the PATH (iproute2, iputils-ping and procps are needed).";
            }
        }

        if (!File.Exists(Python))
        {
            return $"No {Python}: the TCP transfer's ends are small Python programs.";
        }

        return File.Exists(DaemonPath) ? null : $"netipsecd was not built next to the tests ({DaemonPath}).";
    }
}

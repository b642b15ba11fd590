namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// What one <see cref="GatewayPair"/> runs: each gateway's setkey configuration and TUN address, the route each
/// daemon must install before the pair counts as up (in any routing table: transport-mode routes go in the daemon's
/// own; null for none).
/// </summary>
internal sealed record GatewaySetup(string Name, string WestConfig, string EastConfig)
{
    public string WestTunAddress { get; init; } = "10.1.0.1/32";

    public string EastTunAddress { get; init; } = "10.2.0.1/32";

    public string? WestRoute { get; init; } = "10.2.0.0/24";

    public string? EastRoute { get; init; } = "10.1.0.0/24";

    /// <summary>The start of the namespaces' names (each helper's tests keep their own).</summary>
    public string NamespacePrefix { get; init; } = "nx-netns";

    /// <summary>More netipsecd switches, given to both daemons.</summary>
    public IReadOnlyList<string> DaemonOptions { get; init; } = [];

    /// <summary>
    /// Joins the gateways' outer interfaces (<see cref="GatewayPair.WestVeth"/> in the west,
    /// <see cref="GatewayPair.EastVeth"/> in the east) and addresses them; null for one veth pair between them
    /// (192.0.2.1/2001:db8::1 west, 192.0.2.2/2001:db8::2 east).
    /// </summary>
    public Action<GatewayPair>? Link { get; init; }

    /// <summary>False when the east end is not netipsecd (the test runs its own peer there); no east daemon starts.</summary>
    public bool EastIsDaemon { get; init; } = true;
}

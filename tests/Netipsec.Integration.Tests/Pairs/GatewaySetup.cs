namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// What one <see cref="GatewayPair"/> runs: each gateway's setkey configuration and TUN address, the route each
/// daemon must install before the pair counts as up (null when its policies route nothing, as in transport mode),
/// and what to set up once both daemons run (routes or rules the policies do not install themselves).
/// </summary>
internal sealed record GatewaySetup(string Name, string WestConfig, string EastConfig)
{
    public string WestTunAddress { get; init; } = "10.1.0.1/32";

    public string EastTunAddress { get; init; } = "10.2.0.1/32";

    public string? WestRoute { get; init; } = "10.2.0.0/24";

    public string? EastRoute { get; init; } = "10.1.0.0/24";

    public Action<GatewayPair>? AfterStart { get; init; }

    /// <summary>Extra command-line switches of the west daemon (such as <c>--larval-drop false</c>).</summary>
    public IReadOnlyList<string> WestArguments { get; init; } = [];

    /// <summary>How the pair's namespaces are named: PREFIX-NAME-w/e plus the test process's id.</summary>
    public string NamespacePrefix { get; init; } = "nx-netns";

    /// <summary>False when the east end is not netipsecd (the test runs its own peer there); no east daemon starts.</summary>
    public bool EastIsDaemon { get; init; } = true;
}

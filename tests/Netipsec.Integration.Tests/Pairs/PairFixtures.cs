namespace Netipsec.Integration.Tests.Pairs;

/// <summary>The gateway pairs of <see cref="PairScenarios"/>, one per fixture.</summary>
public sealed class Ipv4OverIpv6Pair() : GatewayPair(PairScenarios.Ipv4OverIpv6);

/// <inheritdoc cref="PairScenarios.Ipv6OverIpv6"/>
public sealed class Ipv6OverIpv6Pair() : GatewayPair(PairScenarios.Ipv6OverIpv6);

/// <inheritdoc cref="PairScenarios.Transport"/>
public sealed class TransportPair() : GatewayPair(PairScenarios.Transport);

/// <inheritdoc cref="PairScenarios.AhTunnel"/>
public sealed class AhTunnelPair() : GatewayPair(PairScenarios.AhTunnel);

/// <inheritdoc cref="PairScenarios.IpCompInsideEsp"/>
public sealed class IpCompInsideEspPair() : GatewayPair(PairScenarios.IpCompInsideEsp);

/// <inheritdoc cref="PairScenarios.AntiReplay"/>
public sealed class AntiReplayPair() : GatewayPair(PairScenarios.AntiReplay);

/// <inheritdoc cref="PairScenarios.Restart"/>
public sealed class RestartPair() : GatewayPair(PairScenarios.Restart);

/// <inheritdoc cref="PairScenarios.Acquire"/>
public sealed class AcquirePair() : GatewayPair(PairScenarios.Acquire);

/// <summary>netipsecd (west) and room for a raw-ESP peer of the test's own (east).</summary>
public sealed class ForeignPeerPair() : GatewayPair(PairScenarios.ForeignPeer(inUdp: false));

/// <summary>netipsecd (west) and room for an ESP-in-UDP peer of the test's own (east).</summary>
public sealed class ForeignUdpPeerPair() : GatewayPair(PairScenarios.ForeignPeer(inUdp: true));

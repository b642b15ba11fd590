namespace Netipsec.Daemon.DataPlane;

/// <summary>How a <see cref="Gateway"/> moves packets.</summary>
/// <param name="BatchSize">The most packets one device call moves.</param>
/// <param name="WireMtu">The MTU of the link protected packets leave by: larger results are fragmented or refused with ICMP.</param>
internal sealed record GatewaySettings(int BatchSize = 32, int WireMtu = 1500);

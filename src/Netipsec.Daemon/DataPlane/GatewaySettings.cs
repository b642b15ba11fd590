namespace Netipsec.Daemon.DataPlane;

/// <summary>How a <see cref="Gateway"/> moves packets.</summary>
/// <param name="BatchSize">The most packets one device call moves.</param>
/// <param name="WireMtu">The MTU of the link protected packets leave by: larger results are fragmented or refused with ICMP.</param>
/// <param name="LarvalDrop">True drops packets still waiting for their SAs; false holds them until the SAs arrive (<see cref="Engine.XfrmOutputOptions.LarvalDrop"/>).</param>
internal sealed record GatewaySettings(int BatchSize = 32, int WireMtu = 1500, bool LarvalDrop = true);

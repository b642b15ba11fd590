using System.Globalization;
using Netipsec.Packets;

namespace Netipsec.NatTraversal;

/// <summary>One end of a UDP exchange: an address and a port, as NAT traversal sees a peer (or itself).</summary>
/// <param name="Address">The IPv4 or IPv6 address.</param>
/// <param name="Port">The UDP port.</param>
public readonly record struct UdpEndpoint(IpAddress Address, ushort Port)
{
    /// <summary>"192.0.2.1:4500" or "[2001:db8::1]:4500".</summary>
    public override string ToString() => Address.Version == IpVersion.V6
        ? string.Create(CultureInfo.InvariantCulture, $"[{Address}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Address}:{Port}");
}

using Netipsec.States;

namespace Netipsec.NatTraversal;

/// <summary>Settings of an engine's NAT traversal (<see cref="NatTraversalEngine"/>).</summary>
public sealed record NatTraversalOptions
{
    /// <summary>The interval RFC 3948 §4 suggests between NAT keepalives, and Linux's default.</summary>
    public static readonly TimeSpan DefaultKeepaliveInterval = TimeSpan.FromSeconds(20);

    /// <summary>How often each outbound UDP-encapsulated SA sends a NAT keepalive; must be positive.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = DefaultKeepaliveInterval;

    /// <summary>
    /// UDP ports on which every local address accepts ESP-in-UDP, IKE and keepalives, before any SA exists (IKE
    /// negotiates on them). The local ports of installed UDP-encapsulated SAs are accepted as well.
    /// </summary>
    public IReadOnlyList<ushort> Ports { get; init; } = [NatTraversalEncapsulation.DefaultPort];
}

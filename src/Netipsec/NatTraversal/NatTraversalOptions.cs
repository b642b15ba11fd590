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

    /// <summary>
    /// False (Linux's behaviour): a NAT mapping change is only reported, and the key manager moves the SAs. True: the
    /// engine also follows a change of the peer's port at once, as a host without a key manager must (a NAT that
    /// forgot its mapping picks a new port, and the peer's replies must go there): the inbound SA records the new
    /// port, and the outbound SAs towards that peer send to it. A change of address is only reported: it changes
    /// which SA a packet belongs to, which only the key manager may decide.
    /// </summary>
    public bool FollowPortChanges { get; init; }
}

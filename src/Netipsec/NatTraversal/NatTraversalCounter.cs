namespace Netipsec.NatTraversal;

/// <summary>
/// NAT-traversal counters beside the XFRM MIB (<see cref="NatTraversalEngine.Statistics"/>): the packets that end on the
/// NAT-T port without being IPsec errors.
/// </summary>
/// <remarks>
/// Drops keep the one-counter rule: a keepalive and an IKE packet without a handler are counted here only; malformed
/// or mismatched ESP-in-UDP is counted in the MIB (InHdrError, InStateMismatch), not here.
/// </remarks>
public enum NatTraversalCounter
{
    /// <summary>NAT keepalives (a single 0xFF byte) received and dropped, as RFC 3948 §2.3 says.</summary>
    KeepalivesReceived,

    /// <summary>NAT keepalives produced for the host to send.</summary>
    KeepalivesSent,

    /// <summary>IKE packets handed to the registered <see cref="IIkePacketHandler"/>.</summary>
    IkePacketsHandedOff,

    /// <summary>IKE packets dropped because no <see cref="IIkePacketHandler"/> was registered.</summary>
    IkePacketsUnhandled,

    /// <summary>NAT mapping changes reported to key managers (each change once).</summary>
    MappingChanges,
}

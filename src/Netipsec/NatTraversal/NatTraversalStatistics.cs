namespace Netipsec.NatTraversal;

/// <summary>
/// NAT-traversal counters beside the XFRM MIB: the packets that end on the NAT-T port without being IPsec errors.
/// Counted lock-free from any thread.
/// </summary>
/// <remarks>
/// Drops keep the one-counter rule: a keepalive and an IKE packet without a handler are counted here only; malformed
/// or mismatched ESP-in-UDP is counted in the MIB (InHdrError, InStateMismatch), not here.
/// </remarks>
public sealed class NatTraversalStatistics
{
    private long _keepalivesReceived;
    private long _keepalivesSent;
    private long _ikePacketsHandedOff;
    private long _ikePacketsUnhandled;
    private long _mappingChanges;

    /// <summary>NAT keepalives (a single 0xFF byte) received and dropped, as RFC 3948 §2.3 says.</summary>
    public long KeepalivesReceived => Interlocked.Read(ref _keepalivesReceived);

    /// <summary>NAT keepalives produced for the host to send.</summary>
    public long KeepalivesSent => Interlocked.Read(ref _keepalivesSent);

    /// <summary>IKE packets handed to the registered <see cref="IIkePacketHandler"/>.</summary>
    public long IkePacketsHandedOff => Interlocked.Read(ref _ikePacketsHandedOff);

    /// <summary>IKE packets dropped because no <see cref="IIkePacketHandler"/> was registered.</summary>
    public long IkePacketsUnhandled => Interlocked.Read(ref _ikePacketsUnhandled);

    /// <summary>NAT mapping changes reported to key managers (each change once).</summary>
    public long MappingChanges => Interlocked.Read(ref _mappingChanges);

    internal void IncrementKeepalivesReceived() => Interlocked.Increment(ref _keepalivesReceived);

    internal void IncrementKeepalivesSent() => Interlocked.Increment(ref _keepalivesSent);

    internal void IncrementIkePacketsHandedOff() => Interlocked.Increment(ref _ikePacketsHandedOff);

    internal void IncrementIkePacketsUnhandled() => Interlocked.Increment(ref _ikePacketsUnhandled);

    internal void IncrementMappingChanges() => Interlocked.Increment(ref _mappingChanges);
}

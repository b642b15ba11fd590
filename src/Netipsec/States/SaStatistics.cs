namespace Netipsec.States;

/// <summary>
/// Per-SA drop counters (Linux's xfrm_stats, shown by <c>ip -s xfrm state</c>). Counted lock-free by the data path;
/// reads are atomic but not a consistent snapshot of all of them.
/// </summary>
public sealed class SaStatistics
{
    private long _replayWindow;
    private long _replay;
    private long _integrityFailures;
    private long _encapsulationMismatches;

    /// <summary>Packets dropped because their sequence number was left of the replay window.</summary>
    public long ReplayWindow => Interlocked.Read(ref _replayWindow);

    /// <summary>Packets dropped because their sequence number was already seen.</summary>
    public long Replay => Interlocked.Read(ref _replay);

    /// <summary>Packets whose ICV did not verify.</summary>
    public long IntegrityFailures => Interlocked.Read(ref _integrityFailures);

    /// <summary>
    /// Packets dropped because they arrived in UDP for an SA without NAT-T encapsulation, or as plain ESP for one with
    /// it (Linux's encap_type check; the MIB counts them as InStateMismatch).
    /// </summary>
    public long EncapsulationMismatches => Interlocked.Read(ref _encapsulationMismatches);

    internal void IncrementReplayWindow() => Interlocked.Increment(ref _replayWindow);

    internal void IncrementReplay() => Interlocked.Increment(ref _replay);

    internal void IncrementIntegrityFailures() => Interlocked.Increment(ref _integrityFailures);

    internal void IncrementEncapsulationMismatches() => Interlocked.Increment(ref _encapsulationMismatches);
}

namespace Netipsec.States;

/// <summary>
/// Per-SA drop counters (Linux's xfrm_stats, shown by <c>ip -s xfrm state</c>). Counted lock-free by the data path;
/// reads are atomic but not a consistent snapshot of all three.
/// </summary>
public sealed class SaStatistics
{
    private long _replayWindow;
    private long _replay;
    private long _integrityFailures;

    /// <summary>Packets dropped because their sequence number was left of the replay window.</summary>
    public long ReplayWindow => Interlocked.Read(ref _replayWindow);

    /// <summary>Packets dropped because their sequence number was already seen.</summary>
    public long Replay => Interlocked.Read(ref _replay);

    /// <summary>Packets whose ICV did not verify.</summary>
    public long IntegrityFailures => Interlocked.Read(ref _integrityFailures);

    internal void IncrementReplayWindow() => Interlocked.Increment(ref _replayWindow);

    internal void IncrementReplay() => Interlocked.Increment(ref _replay);

    internal void IncrementIntegrityFailures() => Interlocked.Increment(ref _integrityFailures);
}

namespace Netipsec.States;

/// <summary>
/// The per-SA drop counters (Linux's xfrm_stats, shown by <c>ip -s xfrm state</c>), kept in
/// <see cref="SecurityAssociation.Statistics"/>.
/// </summary>
public enum SaCounter
{
    /// <summary>Packets dropped because their sequence number was left of the replay window.</summary>
    ReplayWindow,

    /// <summary>Packets dropped because their sequence number was already seen.</summary>
    Replay,

    /// <summary>Packets whose ICV did not verify.</summary>
    IntegrityFailures,

    /// <summary>
    /// Packets dropped because they arrived in UDP for an SA without NAT-T encapsulation, or as plain ESP for one with
    /// it (Linux's encap_type check; the MIB counts them as InStateMismatch).
    /// </summary>
    EncapsulationMismatches,
}

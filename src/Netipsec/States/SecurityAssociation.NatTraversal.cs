using Netipsec.NatTraversal;

namespace Netipsec.States;

public sealed partial class SecurityAssociation
{
    // The last peer endpoint reported as a NAT mapping change, so each change is reported once; guarded by SyncRoot.
    private UdpEndpoint _reportedMapping;
    private volatile bool _mappingReported;

    /// <summary>When this SA's next NAT keepalive is due (UTC ticks, 0 = not yet scheduled); used by the keepalive sweep only.</summary>
    internal long NextKeepaliveTicks { get; set; }

    /// <summary>
    /// Decides whether a packet from <paramref name="observed"/>, which differs from the recorded peer, is a change
    /// nobody was told about yet; if so it becomes the reported one.
    /// </summary>
    internal bool TryClaimMappingReport(UdpEndpoint observed)
    {
        lock (SyncRoot)
        {
            if (_mappingReported && _reportedMapping == observed)
            {
                return false;
            }

            _reportedMapping = observed;
            _mappingReported = true;
            return true;
        }
    }

    /// <summary>Replaces the UDP encapsulation of a live SA; only the SAD calls it, under its write lock, keeping its index in step.</summary>
    internal void ReplaceNatTraversal(NatTraversalEncapsulation encapsulation) => Volatile.Write(ref _natTraversal, encapsulation);

    /// <summary>Packets came from the recorded peer again: a later move is a new change to report.</summary>
    internal void ForgetMappingReport()
    {
        if (_mappingReported)
        {
            lock (SyncRoot)
            {
                _mappingReported = false;
            }
        }
    }
}

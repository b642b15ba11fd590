namespace Netipsec.States;

public sealed partial class SecurityAssociationDatabase
{
    /// <summary>
    /// Follows a NAT that moved the peer to another port (<see cref="Netipsec.NatTraversal.NatTraversalOptions.FollowPortChanges"/>):
    /// <paramref name="inbound"/> records <paramref name="port"/> as the peer's source port, and every live
    /// UDP-encapsulated SA back to that peer (addresses swapped, from the port <paramref name="inbound"/> arrives on
    /// to <paramref name="previousPort"/>) sends to <paramref name="port"/> from now on.
    /// </summary>
    /// <returns>How many SAs changed; 0 when <paramref name="inbound"/> is gone or another change got there first.</returns>
    internal int FollowPeerPort(SecurityAssociation inbound, ushort previousPort, ushort port)
    {
        lock (_writeLock)
        {
            if (inbound.State is SaState.Dead || inbound.NatTraversal is not { } encapsulation || encapsulation.SourcePort != previousPort)
            {
                return 0;
            }

            ReplaceEncapsulation(inbound, encapsulation with { SourcePort = port });
            int changed = 1;
            foreach (SecurityAssociation sa in _encapsulated.States)
            {
                if (sa.Source == inbound.Destination && sa.Destination == inbound.Source && sa.State is not SaState.Dead
                    && sa.NatTraversal is { } outbound && outbound.SourcePort == encapsulation.DestinationPort && outbound.DestinationPort == previousPort)
                {
                    ReplaceEncapsulation(sa, outbound with { DestinationPort = port });
                    changed++;
                }
            }

            Interlocked.Increment(ref _generation);
            return changed;
        }
    }

    /// <summary>Swaps an SA's encapsulation and its entry in the index of encapsulated SAs together.</summary>
    private void ReplaceEncapsulation(SecurityAssociation sa, NatTraversalEncapsulation encapsulation)
    {
        _encapsulated.Remove(sa, sa.NatTraversal);
        sa.ReplaceNatTraversal(encapsulation);
        _encapsulated.Add(sa, encapsulation);
    }
}

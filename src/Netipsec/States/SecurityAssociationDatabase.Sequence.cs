namespace Netipsec.States;

public sealed partial class SecurityAssociationDatabase
{
    /// <summary>
    /// Hands out the next outbound sequence number of <paramref name="sa"/> (data path, lock-free). When the counter is
    /// exhausted (2^32−1, or 2^64−1 with ESN, RFC 4303 §3.3.3) the SA must not send again: this returns false and, the
    /// first time, asks key managers for a rekey with a soft EXPIRE, making the SA dying.
    /// </summary>
    /// <param name="sa">An ESP or AH SA of this database.</param>
    /// <param name="sequence">The number to put in the packet (its low 32 bits on the wire with ESN).</param>
    /// <returns>False when the SA has no more numbers (or is IPComp, which has none): drop the packet.</returns>
    public bool TryAssignSequence(SecurityAssociation sa, out ulong sequence)
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (sa.SequenceCounter is { } counter && counter.TryNext(out sequence))
        {
            return true;
        }

        sequence = 0;
        if (sa.SequenceCounter is not null && sa.State == SaState.Mature)
        {
            lock (_writeLock)
            {
                if (Holds(sa) && sa.State == SaState.Mature)
                {
                    ExpireSoft(sa);
                }
            }
        }

        return false;
    }
}

using Netipsec.Engine;

namespace Netipsec.States;

public sealed partial class SecurityAssociationDatabase
{
    /// <summary>
    /// Counts one packet of <paramref name="bytes"/> bytes against <paramref name="sa"/>'s lifetime (data path).
    /// Lock-free and allocation-free unless this packet is the first (with a use-time limit to schedule) or reaches
    /// a byte or packet limit: the soft limit raises <see cref="IKeyManagerListener.OnStateExpired"/> (Soft) once and
    /// the SA turns <see cref="SaState.Dying"/> but keeps working; the hard limit raises Hard and deletes it, so the
    /// packet that reached it is the last one (check <see cref="SecurityAssociation.State"/> afterwards).
    /// </summary>
    /// <param name="sa">An SA found in this database.</param>
    /// <param name="bytes">The packet's size as counted for lifetimes.</param>
    public void Account(SecurityAssociation sa, int bytes)
    {
        ArgumentNullException.ThrowIfNull(sa);
        LifetimeEvents events = sa.Account(bytes, _time);
        if (events == LifetimeEvents.None)
        {
            return;
        }

        lock (_writeLock)
        {
            if (!Holds(sa) || sa.State == SaState.Larval)
            {
                return;
            }

            if ((events & LifetimeEvents.HardReached) != 0)
            {
                ExpireHard(sa);
                return;
            }

            if ((events & LifetimeEvents.SoftReached) != 0 && sa.State == SaState.Mature)
            {
                ExpireSoft(sa);
            }

            if ((events & LifetimeEvents.FirstUseDeadline) != 0)
            {
                Schedule(sa);
            }
        }
    }

    /// <summary>
    /// Applies every time limit that has run out by the clock's current time: soft add/use limits raise Soft and
    /// make the SA dying; hard ones raise Hard and delete it; timed-out GETSPI reservations are deleted with a Hard
    /// event, and timed-out acquire states without an SPI silently (as Linux does). Call it periodically.
    /// </summary>
    public void RunExpiry()
    {
        lock (_writeLock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            _expiry.DrainDue(now, _due);
            foreach (SecurityAssociation sa in _due)
            {
                if (sa.ScheduledExpiry <= now)
                {
                    sa.ScheduledExpiry = DateTimeOffset.MaxValue;
                }

                if (!Holds(sa))
                {
                    continue;
                }

                switch (sa.DueExpiry(now))
                {
                    case ExpiryKind.Hard:
                        ExpireHard(sa);
                        break;
                    case ExpiryKind.Soft:
                        ExpireSoft(sa);
                        break;
                    default:
                        // A stale entry: the SA's deadline moved later (an update) or was consumed; keep the real one queued.
                        Schedule(sa);
                        break;
                }
            }

            _due.Clear();
        }
    }

    /// <summary>Queues the SA's next deadline unless an earlier or equal one is already queued. Under the write lock.</summary>
    private void Schedule(SecurityAssociation sa)
    {
        DateTimeOffset deadline = sa.NextDeadline();
        if (deadline < sa.ScheduledExpiry)
        {
            sa.ScheduledExpiry = deadline;
            _expiry.Schedule(sa, deadline);
        }
    }

    private void ExpireSoft(SecurityAssociation sa)
    {
        sa.MarkDying();
        Schedule(sa);
        Interlocked.Increment(ref _generation);
        _listener?.OnStateExpired(sa, ExpiryKind.Soft);
    }

    private void ExpireHard(SecurityAssociation sa)
    {
        bool hadSpi = sa.Spi != 0;
        Remove(sa);

        // An acquire state that never got an SPI was never visible to key management as an SA: nothing to report.
        if (hadSpi)
        {
            _listener?.OnStateExpired(sa, ExpiryKind.Hard);
        }
    }
}

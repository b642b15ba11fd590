using Netipsec.States;

namespace Netipsec.Policies;

/// <summary>Policy lifetimes: byte and packet counts from the data path, time limits from the shared expiry scheduler.</summary>
public sealed partial class SecurityPolicyDatabase
{
    // Reused by RunExpiry (under the write lock) so a pass allocates nothing in steady state.
    private readonly List<SecurityPolicy> _due = [];
    private readonly HashSet<SecurityPolicy> _rescheduled = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Counts one packet of <paramref name="bytes"/> bytes against the policy's current lifetime (Linux counts
    /// where the policy is applied). The first use starts the use-time limits. A soft byte or packet limit raises
    /// <see cref="Engine.IKeyManagerListener.OnPolicyExpired"/> with <see cref="ExpiryKind.Soft"/> once; a hard one
    /// deletes the policy and raises <see cref="ExpiryKind.Hard"/>. Dead policies are ignored.
    /// </summary>
    /// <remarks>Lock-free except on the first use of a policy with use-time limits and when a limit is reached.</remarks>
    public void Account(SecurityPolicy policy, int bytes)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (policy.IsDead)
        {
            return;
        }

        LifetimeCurrent current = policy.Current;
        bool firstUse = current.Account(bytes, _time);
        if (firstUse && (policy.SoftLimits.UseExpiry > TimeSpan.Zero || policy.HardLimits.UseExpiry > TimeSpan.Zero))
        {
            lock (_writeLock)
            {
                if (IsInstalled(policy))
                {
                    ScheduleNextDeadline(policy);
                }
            }
        }

        ulong byteCount = current.Bytes;
        ulong packetCount = current.Packets;
        if (policy.HardLimits.IsReachedByCount(byteCount, packetCount))
        {
            lock (_writeLock)
            {
                if (IsInstalled(policy))
                {
                    ExpireHard(policy);
                }
            }
        }
        else if (policy.SoftLimits.IsReachedByCount(byteCount, packetCount) && policy.TryMarkSoftExpired())
        {
            lock (_writeLock)
            {
                if (IsInstalled(policy))
                {
                    _events?.OnPolicyExpired(policy, ExpiryKind.Soft);
                }
            }
        }
    }

    /// <summary>
    /// Applies the time limits (seconds since add, seconds since first use) that ran out by the clock's now: soft
    /// ones raise <see cref="ExpiryKind.Soft"/> once, hard ones delete the policy and raise
    /// <see cref="ExpiryKind.Hard"/>. The host calls this periodically (the daemon once a second); there is no timer
    /// per policy and no thread.
    /// </summary>
    public void RunExpiry()
    {
        lock (_writeLock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            _expiry.DrainDue(now, _due);
            foreach (SecurityPolicy policy in _due)
            {
                // Entries outlive deletes and updates; the scheduler leaves it to us to skip the stale ones.
                if (!IsInstalled(policy))
                {
                    continue;
                }

                LifetimeCurrent current = policy.Current;
                if (policy.HardLimits.Deadline(current.AddTime, current.UseTime) <= now)
                {
                    ExpireHard(policy);
                    continue;
                }

                if (policy.SoftLimits.Deadline(current.AddTime, current.UseTime) <= now && policy.TryMarkSoftExpired())
                {
                    _events?.OnPolicyExpired(policy, ExpiryKind.Soft);
                }

                // A policy drained twice in one pass is rescheduled once, keeping its entries few.
                if (_rescheduled.Add(policy))
                {
                    ScheduleNextDeadline(policy);
                }
            }

            _due.Clear();
            _rescheduled.Clear();
        }
    }

    private bool IsInstalled(SecurityPolicy policy) =>
        _byIndex.TryGetValue(policy.Index, out SecurityPolicy? installed) && ReferenceEquals(installed, policy);

    private void ExpireHard(SecurityPolicy policy)
    {
        Remove(_bySelector[KeyOf(policy)]);
        _events?.OnPolicyExpired(policy, ExpiryKind.Hard);
    }

    /// <summary>Schedules the earliest time limit still ahead of the policy: the hard one, and the soft one until it was raised.</summary>
    private void ScheduleNextDeadline(SecurityPolicy policy)
    {
        LifetimeCurrent current = policy.Current;
        DateTimeOffset next = policy.HardLimits.Deadline(current.AddTime, current.UseTime);
        if (!policy.IsSoftExpired)
        {
            DateTimeOffset soft = policy.SoftLimits.Deadline(current.AddTime, current.UseTime);
            if (soft < next)
            {
                next = soft;
            }
        }

        _expiry.Schedule(policy, next);
    }

    /// <summary>
    /// Rebuilds the scheduler once stale entries (of deleted or replaced policies) dominate it. An installed policy
    /// has at most two live entries (from its add and its first use), so more than 4 per policy means at least half
    /// are stale; the O(n log n) rebuild then pays for itself over the removals that made them.
    /// </summary>
    private void CompactExpiryIfStale()
    {
        if (_expiry.Count <= (4 * _bySelector.Count) + 64)
        {
            return;
        }

        _expiry.Clear();
        foreach (RankedPolicy entry in _bySelector.Values)
        {
            ScheduleNextDeadline(entry.Policy);
        }
    }
}

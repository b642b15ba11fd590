namespace Netipsec.States;

public sealed partial class SecurityAssociation
{
    // Soft and hard limits are replaced together by an update while the data path reads them without a lock, so they
    // live in one immutable object swapped atomically; a reader never sees a soft limit from one update and a hard
    // limit from another.
    private LimitPair _limits = LimitPair.None;

    /// <summary>When reached, key management is told to rekey and the SA turns <see cref="SaState.Dying"/>.</summary>
    public LifetimeLimits SoftLimits
    {
        get => Volatile.Read(ref _limits).Soft;
        init => _limits = _limits with { Soft = value };
    }

    /// <summary>When reached, the SA is deleted.</summary>
    public LifetimeLimits HardLimits
    {
        get => Volatile.Read(ref _limits).Hard;
        init => _limits = _limits with { Hard = value };
    }

    /// <summary>Bytes and packets so far, when the SA was installed and first used.</summary>
    public LifetimeCurrent Current { get; private set; } = new(DateTimeOffset.UnixEpoch);

    /// <summary>When a larval or acquire state times out.</summary>
    internal DateTimeOffset LarvalDeadline { get; private init; } = DateTimeOffset.MaxValue;

    /// <summary>
    /// The earliest deadline this SA has in the database's expiry heap (MaxValue when none is pending), so the
    /// database only schedules again for an earlier moment. Touched under the database's write lock only.
    /// </summary>
    internal DateTimeOffset ScheduledExpiry { get; set; } = DateTimeOffset.MaxValue;

    /// <summary>Counts one packet from the data path and says which lifetime events it triggered; lock-free.</summary>
    internal LifetimeEvents Account(int bytes, TimeProvider time)
    {
        bool firstUse = Current.Account(bytes, time);
        LimitPair limits = Volatile.Read(ref _limits);
        ulong byteCount = Current.Bytes;
        ulong packetCount = Current.Packets;
        LifetimeEvents events = LifetimeEvents.None;
        if (firstUse && (limits.Soft.UseExpiry > TimeSpan.Zero || limits.Hard.UseExpiry > TimeSpan.Zero))
        {
            events |= LifetimeEvents.FirstUseDeadline;
        }

        if (_state == SaState.Mature && limits.Soft.IsReachedByCount(byteCount, packetCount))
        {
            events |= LifetimeEvents.SoftReached;
        }

        if (limits.Hard.IsReachedByCount(byteCount, packetCount))
        {
            events |= LifetimeEvents.HardReached;
        }

        return events;
    }

    /// <summary>The next moment a time limit of the current state runs out; MaxValue when none applies.</summary>
    internal DateTimeOffset NextDeadline()
    {
        LimitPair limits = Volatile.Read(ref _limits);
        return _state switch
        {
            SaState.Larval => LarvalDeadline,
            SaState.Mature => Min(limits.Soft.Deadline(Current.AddTime, Current.UseTime), limits.Hard.Deadline(Current.AddTime, Current.UseTime)),
            SaState.Dying => limits.Hard.Deadline(Current.AddTime, Current.UseTime),
            _ => DateTimeOffset.MaxValue,
        };
    }

    /// <summary>Which time limit has run out at <paramref name="now"/>, if any; a timed-out larval state counts as hard.</summary>
    internal ExpiryKind? DueExpiry(DateTimeOffset now)
    {
        LimitPair limits = Volatile.Read(ref _limits);
        return _state switch
        {
            SaState.Larval when LarvalDeadline <= now => ExpiryKind.Hard,
            SaState.Mature or SaState.Dying when limits.Hard.Deadline(Current.AddTime, Current.UseTime) <= now => ExpiryKind.Hard,
            SaState.Mature when limits.Soft.Deadline(Current.AddTime, Current.UseTime) <= now => ExpiryKind.Soft,
            _ => null,
        };
    }

    internal void MarkDying() => _state = SaState.Dying;

    /// <summary>
    /// Applies an UPDATE to a live SA: new lifetimes (which make a dying SA mature again, as Linux clears km.dying,
    /// so the new soft limit can fire), a NAT-T encapsulation if one is given, and the pair link if one is given.
    /// </summary>
    internal void ApplyUpdate(SecurityAssociation proposed)
    {
        Volatile.Write(ref _limits, Volatile.Read(ref proposed._limits));
        if (proposed.NatTraversal is { } natTraversal)
        {
            Volatile.Write(ref _natTraversal, natTraversal);
            Volatile.Write(ref _keyedNatTraversal, natTraversal);
        }

        if (proposed.PairSpi != 0)
        {
            Volatile.Write(ref _pairSpi, proposed.PairSpi);
        }

        if (_state == SaState.Dying)
        {
            _state = SaState.Mature;
        }
    }

    /// <summary>Replaces the lifetimes only (UPDATEPAIR); a dying SA becomes mature again as with <see cref="ApplyUpdate"/>.</summary>
    internal void ApplyLimits(LifetimeLimits soft, LifetimeLimits hard)
    {
        Volatile.Write(ref _limits, new LimitPair(soft, hard));
        if (_state == SaState.Dying)
        {
            _state = SaState.Mature;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset left, DateTimeOffset right) => left < right ? left : right;

    private sealed record LimitPair(LifetimeLimits Soft, LifetimeLimits Hard)
    {
        public static readonly LimitPair None = new(LifetimeLimits.None, LifetimeLimits.None);
    }
}

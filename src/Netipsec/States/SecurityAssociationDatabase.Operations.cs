namespace Netipsec.States;

public sealed partial class SecurityAssociationDatabase
{
    /// <summary>
    /// Installs a fully keyed SA (PF_KEY ADD) as <see cref="SaState.Mature"/>, creating its replay window and
    /// sequence counter. If it answers an ACQUIRE (its <see cref="SecurityAssociation.AcquireSequence"/>, or else an
    /// acquire state for the same destination, source, protocol, mode and reqid), that acquire state is removed.
    /// </summary>
    /// <returns>
    /// <see cref="SadStatus.Ok"/>; <see cref="SadStatus.Exists"/> when (destination, SPI, protocol) is taken;
    /// <see cref="SadStatus.Invalid"/> when the SA is inconsistent: SPI 0 (or a CPI above 16 bits), mixed or unset
    /// address families, algorithms that do not fit the protocol (ESP needs encryption or authentication, AH
    /// authentication only, IPComp compression only and no replay window), unknown or contradictory flags, a replay
    /// window above <see cref="ReplayWindow.MaxSize"/>, soft limits above hard ones, an inner
    /// selector in transport mode, NAT-T on anything but ESP or with a zero port, or an object already installed once;
    /// <see cref="SadStatus.Unsupported"/> when the configured transform refuses its algorithms or keys.
    /// </returns>
    /// <remarks>On success the database owns <paramref name="sa"/>; otherwise it is left untouched.</remarks>
    public SadStatus Add(SecurityAssociation sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        lock (_writeLock)
        {
            if (!sa.IsValidToInstall())
            {
                return SadStatus.Invalid;
            }

            if (_bySpi.ContainsKey(sa.Id))
            {
                return SadStatus.Exists;
            }

            if (!Prepare(sa))
            {
                return SadStatus.Unsupported;
            }

            SecurityAssociation? answered = FindAcquireAnsweredBy(sa);
            sa.Activate(_time.GetUtcNow());
            Insert(sa);
            if (answered is not null)
            {
                Remove(answered);
            }

            return SadStatus.Ok;
        }
    }

    /// <summary>
    /// PF_KEY UPDATE. A larval SA (from GETSPI, possibly the acquire state GETSPI gave the SPI to) is replaced by
    /// <paramref name="proposed"/>, which becomes mature with the same SPI; an acquire state that
    /// <paramref name="proposed"/> answers is removed as with <see cref="Add"/>. A mature or dying SA keeps its keys:
    /// only its lifetimes, its NAT-T encapsulation (when one is given) and its pair link (when one is given) change,
    /// and a dying SA becomes mature again so its new soft limit can fire.
    /// </summary>
    /// <param name="proposed">The SA as key management wants it.</param>
    /// <param name="installed">The live SA afterwards: <paramref name="proposed"/> after a larval update, the existing one otherwise.</param>
    /// <returns>
    /// <see cref="SadStatus.Ok"/>; <see cref="SadStatus.NotFound"/> when no SA has that id;
    /// <see cref="SadStatus.Invalid"/> when <paramref name="proposed"/> fails the checks of <see cref="Add"/>, names
    /// another source than the larval SA, or would change anything of a mature SA but lifetimes, NAT-T and the pair
    /// (algorithms, keys, mode, reqid, flags, replay window, ESN, inner selector).
    /// </returns>
    /// <remarks>
    /// The database owns <paramref name="proposed"/> only when it is returned as <paramref name="installed"/>; after a
    /// mature update the caller still owns it (and should wipe its keys, which equal the installed ones).
    /// </remarks>
    public SadStatus Update(SecurityAssociation proposed, out SecurityAssociation? installed)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        installed = null;
        lock (_writeLock)
        {
            if (!proposed.IsValidToInstall())
            {
                return SadStatus.Invalid;
            }

            if (!_bySpi.TryGetValue(proposed.Id, out SecurityAssociation? existing))
            {
                return SadStatus.NotFound;
            }

            if (existing.State == SaState.Larval)
            {
                if (existing.Source != proposed.Source)
                {
                    return SadStatus.Invalid;
                }

                if (!Prepare(proposed))
                {
                    return SadStatus.Unsupported;
                }

                SecurityAssociation? answered = FindAcquireAnsweredBy(proposed);
                Remove(existing);
                proposed.Activate(_time.GetUtcNow());
                Insert(proposed);
                if (answered is not null && answered.State != SaState.Dead)
                {
                    Remove(answered);
                }

                installed = proposed;
                return SadStatus.Ok;
            }

            if (!existing.HasSameKeying(proposed))
            {
                return SadStatus.Invalid;
            }

            _encapsulated.Remove(existing, existing.NatTraversal);
            existing.ApplyUpdate(proposed);
            _encapsulated.Add(existing, existing.NatTraversal);
            Schedule(existing);
            Interlocked.Increment(ref _generation);
            installed = existing;
            return SadStatus.Ok;
        }
    }

    /// <summary>PF_KEY GET: the SA with this id, in any state.</summary>
    /// <returns><see cref="SadStatus.Ok"/> or <see cref="SadStatus.NotFound"/>.</returns>
    public SadStatus Get(SaId id, out SecurityAssociation? sa) =>
        _bySpi.TryGetValue(id, out sa) ? SadStatus.Ok : SadStatus.NotFound;

    /// <summary>PF_KEY DELETE: removes the SA (it turns <see cref="SaState.Dead"/> and its keys are zeroed).</summary>
    /// <returns><see cref="SadStatus.Ok"/> or <see cref="SadStatus.NotFound"/>.</returns>
    public SadStatus Delete(SaId id)
    {
        lock (_writeLock)
        {
            if (!_bySpi.TryGetValue(id, out SecurityAssociation? sa))
            {
                return SadStatus.NotFound;
            }

            Remove(sa);
            return SadStatus.Ok;
        }
    }

    /// <summary>PF_KEY X_DELPAIR: deletes the SA and its pair (the SA to our source with <see cref="SecurityAssociation.PairSpi"/>) together.</summary>
    /// <returns>
    /// <see cref="SadStatus.Ok"/>; <see cref="SadStatus.NotFound"/>, <see cref="SadStatus.NotPaired"/> or
    /// <see cref="SadStatus.PairNotFound"/> with nothing deleted.
    /// </returns>
    public SadStatus DeletePair(SaId id)
    {
        lock (_writeLock)
        {
            SadStatus status = FindPair(id, out SecurityAssociation? sa, out SecurityAssociation? pair);
            if (status != SadStatus.Ok)
            {
                return status;
            }

            Remove(sa!);
            Remove(pair!);
            return SadStatus.Ok;
        }
    }

    /// <summary>PF_KEY X_UPDATEPAIR: gives the SA and its pair the same new lifetimes together.</summary>
    /// <returns>
    /// <see cref="SadStatus.Ok"/>; <see cref="SadStatus.Invalid"/> when the soft limits exceed the hard ones or
    /// either SA is still larval; <see cref="SadStatus.NotFound"/>, <see cref="SadStatus.NotPaired"/> or
    /// <see cref="SadStatus.PairNotFound"/>. Nothing changes unless Ok.
    /// </returns>
    public SadStatus UpdatePair(SaId id, LifetimeLimits soft, LifetimeLimits hard)
    {
        lock (_writeLock)
        {
            SadStatus status = FindPair(id, out SecurityAssociation? sa, out SecurityAssociation? pair);
            if (status != SadStatus.Ok)
            {
                return status;
            }

            if (!soft.FitsWithin(hard) || sa!.State == SaState.Larval || pair!.State == SaState.Larval)
            {
                return SadStatus.Invalid;
            }

            sa.ApplyLimits(soft, hard);
            pair.ApplyLimits(soft, hard);
            Schedule(sa);
            Schedule(pair);
            Interlocked.Increment(ref _generation);
            return SadStatus.Ok;
        }
    }

    /// <summary>PF_KEY FLUSH: removes every entry, or those of one protocol, including GETSPI reservations and acquire states.</summary>
    /// <returns>How many entries were removed.</returns>
    public int Flush(IpsecProtocol? protocol = null)
    {
        lock (_writeLock)
        {
            List<SecurityAssociation> victims = CollectEntries(protocol);
            foreach (SecurityAssociation sa in victims)
            {
                Remove(sa);
            }

            if (protocol is null)
            {
                // Nothing is left to expire; dropping the stale heap entries frees the dead SAs now.
                _expiry.Clear();
            }

            return victims.Count;
        }
    }

    /// <summary>PF_KEY DUMP: a snapshot of every entry (or those of one protocol), in no particular order.</summary>
    public IReadOnlyList<SecurityAssociation> Dump(IpsecProtocol? protocol = null)
    {
        lock (_writeLock)
        {
            return CollectEntries(protocol);
        }
    }

    private List<SecurityAssociation> CollectEntries(IpsecProtocol? protocol)
    {
        var entries = new List<SecurityAssociation>(_count);
        foreach (KeyValuePair<SaId, SecurityAssociation> entry in _bySpi)
        {
            if (protocol is null || entry.Key.Protocol == protocol)
            {
                entries.Add(entry.Value);
            }
        }

        // Acquire states that got an SPI from GETSPI are already listed through the SPI index.
        foreach (SecurityAssociation acquire in _acquiresBySequence.Values)
        {
            if (acquire.Spi == 0 && (protocol is null || acquire.Protocol == protocol))
            {
                entries.Add(acquire);
            }
        }

        return entries;
    }

    private SadStatus FindPair(SaId id, out SecurityAssociation? sa, out SecurityAssociation? pair)
    {
        pair = null;
        if (!_bySpi.TryGetValue(id, out sa))
        {
            return SadStatus.NotFound;
        }

        if (sa.PairSpi == 0)
        {
            return SadStatus.NotPaired;
        }

        return _bySpi.TryGetValue(new SaId(sa.Source, sa.PairSpi, sa.Protocol), out pair) ? SadStatus.Ok : SadStatus.PairNotFound;
    }
}

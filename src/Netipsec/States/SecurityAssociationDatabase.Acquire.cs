using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.States;

public sealed partial class SecurityAssociationDatabase
{
    /// <summary>
    /// PF_KEY GETSPI: reserves a random unused SPI in [<paramref name="minSpi"/>, <paramref name="maxSpi"/>] as a
    /// larval SA that times out after <see cref="SadOptions.LarvalLifetime"/> unless an UPDATE completes it.
    /// SPIs 0–255 are never handed out (RFC 4303 §2.1); for IPComp the range ends at the 16-bit CPI maximum.
    /// When <paramref name="acquireSequence"/> names a live acquire state for the same destination and protocol,
    /// that state gets the SPI instead of a new entry (as Linux does); if it already has one, it is returned again.
    /// </summary>
    /// <param name="larval">The reserved entry; its <see cref="SecurityAssociation.Spi"/> is the answer.</param>
    /// <returns>
    /// <see cref="SadStatus.Ok"/>; <see cref="SadStatus.Invalid"/> for unset or mixed address families or a range
    /// that is empty or lies wholly in the reserved values; <see cref="SadStatus.SpiRangeExhausted"/> when every
    /// SPI of the range is taken.
    /// </returns>
    public SadStatus GetSpi(
        IpAddress destination,
        IpAddress source,
        IpsecProtocol protocol,
        XfrmMode mode,
        uint reqId,
        uint minSpi,
        uint maxSpi,
        uint acquireSequence,
        out SecurityAssociation? larval)
    {
        larval = null;
        uint min = Math.Max(minSpi, SpiAllocator.FirstAssignableSpi);
        uint max = protocol == IpsecProtocol.IpComp ? Math.Min(maxSpi, SecurityAssociation.MaxCpi) : maxSpi;
        if (min > max || destination.Version == IpVersion.None || source.Version != destination.Version)
        {
            return SadStatus.Invalid;
        }

        lock (_writeLock)
        {
            SecurityAssociation? acquire = null;
            if (acquireSequence != 0
                && _acquiresBySequence.TryGetValue(acquireSequence, out acquire)
                && (acquire.Destination != destination || acquire.Protocol != protocol))
            {
                acquire = null;
            }

            if (acquire is not null && acquire.Spi != 0)
            {
                larval = acquire;
                return SadStatus.Ok;
            }

            if (!_spiAllocator.TryAllocate(min, max, (Index: _bySpi, destination, protocol), static (s, spi) => !s.Index.ContainsKey(new SaId(s.destination, spi, s.protocol)), out uint spi))
            {
                return SadStatus.SpiRangeExhausted;
            }

            if (acquire is not null)
            {
                acquire.AssignSpi(spi);
                _bySpi[acquire.Id] = acquire;
                Interlocked.Increment(ref _generation);
                larval = acquire;
                return SadStatus.Ok;
            }

            DateTimeOffset now = _time.GetUtcNow();
            larval = SecurityAssociation.CreateLarval(
                new SaId(destination, spi, protocol), source, mode, reqId, acquireSequence, isAcquireState: false, now, now + _options.LarvalLifetime);
            Insert(larval);
            return SadStatus.Ok;
        }
    }

    /// <summary>
    /// Output found no SA for <paramref name="template"/>: creates an acquire state (SPI 0, larval) for
    /// (destination, source, protocol, mode, reqid) and raises <see cref="IKeyManagerListener.OnAcquire"/>, unless
    /// such a state already exists, in which case nothing is raised (Linux sends one ACQUIRE per acquire state).
    /// The state lives <see cref="SadOptions.AcquireLifetime"/> unless an ADD or UPDATE answers it first.
    /// </summary>
    /// <param name="source">The SA's source (the tunnel's outer source, or the packet's in transport mode).</param>
    /// <param name="destination">The SA's destination, likewise.</param>
    /// <param name="selector">The triggering traffic, passed on to key managers.</param>
    /// <param name="template">The template that found no SA.</param>
    /// <param name="policy">Its policy, passed on to key managers.</param>
    /// <param name="sequence">The sequence key management must answer with: the new one, or the live state's.</param>
    /// <returns>True when a new ACQUIRE was raised; false when one is already pending.</returns>
    public bool Acquire(IpAddress source, IpAddress destination, Selector selector, PolicyTemplate template, SecurityPolicy? policy, out uint sequence)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(template);
        lock (_writeLock)
        {
            var key = new OutboundKey(destination, source, template.Protocol, template.Mode, template.ReqId);
            SecurityAssociation? pending = FindAcquireState(key);
            if (pending is not null)
            {
                sequence = pending.AcquireSequence;
                return false;
            }

            sequence = NextAcquireSequence();
            DateTimeOffset now = _time.GetUtcNow();
            SecurityAssociation acquire = SecurityAssociation.CreateLarval(
                new SaId(destination, 0, template.Protocol), source, template.Mode, template.ReqId, sequence, isAcquireState: true, now, now + _options.AcquireLifetime);
            Insert(acquire);
            _listener?.OnAcquire(new AcquireRequest(sequence, source, destination, selector, template, policy));
            return true;
        }
    }

    /// <summary>
    /// A key manager's failure ACQUIRE (the seed: "if key management fails, send an SADB_ACQUIRE"): deletes the
    /// pending acquire state of <paramref name="sequence"/>, with the SPI GETSPI may have given it, so the next
    /// packet of its flow raises a new ACQUIRE instead of waiting out <see cref="SadOptions.AcquireLifetime"/>.
    /// </summary>
    /// <returns><see cref="SadStatus.Ok"/>, or <see cref="SadStatus.NotFound"/> when no pending acquire state has this sequence.</returns>
    public SadStatus FailAcquire(uint sequence)
    {
        lock (_writeLock)
        {
            if (sequence == 0 || !_acquiresBySequence.TryGetValue(sequence, out SecurityAssociation? acquire) || acquire.State != SaState.Larval)
            {
                return SadStatus.NotFound;
            }

            Remove(acquire);
            return SadStatus.Ok;
        }
    }

    /// <summary>The acquire state an SA being installed answers: by its sequence, else by its flow (Linux's __find_acq_core).</summary>
    private SecurityAssociation? FindAcquireAnsweredBy(SecurityAssociation sa)
    {
        if (sa.AcquireSequence != 0
            && _acquiresBySequence.TryGetValue(sa.AcquireSequence, out SecurityAssociation? bySequence)
            && bySequence.Destination == sa.Destination
            && bySequence.Protocol == sa.Protocol)
        {
            return bySequence;
        }

        SecurityAssociation? byFlow = FindAcquireState(OutboundKey.Of(sa));
        return byFlow is not null && byFlow.Spi == 0 ? byFlow : null;
    }

    private SecurityAssociation? FindAcquireState(OutboundKey key) =>
        _acquiresByFlow.TryGetValue(key, out SecurityAssociation? acquire) && acquire.State == SaState.Larval ? acquire : null;

    /// <summary>Sequences start at 1 and skip 0 when they wrap: 0 means "answers no ACQUIRE".</summary>
    private uint NextAcquireSequence()
    {
        do
        {
            _lastAcquireSequence++;
        }
        while (_lastAcquireSequence == 0 || _acquiresBySequence.ContainsKey(_lastAcquireSequence));

        return _lastAcquireSequence;
    }
}

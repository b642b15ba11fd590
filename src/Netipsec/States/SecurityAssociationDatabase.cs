using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Netipsec.Common;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Transforms;

namespace Netipsec.States;

/// <summary>
/// The Security Association Database (RFC 4301 §4.4.2; Linux's xfrm_state tables, KAME's SADB): installed SAs,
/// GETSPI reservations and acquire states, with their lifetimes.
/// </summary>
/// <remarks>
/// <para>
/// Three indices, as in Linux: by (destination, SPI, protocol) for inbound packets, by (destination, source,
/// protocol, mode, reqid) for output resolution, and by (source, destination, protocol) for address lookups. An
/// acquire state has SPI 0 and is in the last two only. Lookups are O(1) expected.
/// </para>
/// <para>
/// Thread safety: lookups and <see cref="Account"/> take no lock and allocate nothing, from any number of threads.
/// Every other operation is serialised on one write lock and bumps <see cref="Generation"/>; no write copies a
/// table. Listener callbacks run under that lock, so a listener must not call back into the database.
/// A lookup may briefly return an SA that a concurrent write is removing; check <see cref="SecurityAssociation.State"/>.
/// </para>
/// <para>
/// Time limits (soft/hard add and use time, larval and acquire timeouts) are kept in one expiry heap and applied by
/// <see cref="RunExpiry"/>, which the host calls periodically; nothing here starts a timer or a thread.
/// </para>
/// </remarks>
public sealed partial class SecurityAssociationDatabase
{
    private readonly Lock _writeLock = new();
    private readonly TimeProvider _time;
    private readonly IKeyManagerListener? _listener;
    private readonly SpiAllocator _spiAllocator;
    private readonly SadOptions _options;

    private readonly ConcurrentDictionary<SaId, SecurityAssociation> _bySpi = new();
    private readonly SaChainIndex<OutboundKey> _byDestination = new(SaChain.ByDestination);
    private readonly SaChainIndex<AddressKey> _bySource = new(SaChain.BySource);
    private readonly EncapsulatedStateIndex _encapsulated = new();

    // Live acquire states by their sequence, for answers that carry it (Linux's state_byseq). Writer only.
    private readonly Dictionary<uint, SecurityAssociation> _acquiresBySequence = [];

    // Live acquire states by flow (at most one each: Acquire raises no second), so installing an SA never walks a
    // destination chain that may hold thousands of SAs between the same two gateways. Writer only.
    private readonly Dictionary<OutboundKey, SecurityAssociation> _acquiresByFlow = [];
    private readonly ExpiryScheduler<SecurityAssociation> _expiry = new();
    private readonly List<SecurityAssociation> _due = [];
    private long _generation;
    private int _count;
    private uint _lastAcquireSequence;

    /// <param name="timeProvider">The clock for lifetimes and timeouts.</param>
    /// <param name="listener">Receives ACQUIRE and expiry events; null to raise none.</param>
    /// <param name="spiRandom">A seeded source of SPIs for tests; null uses a cryptographic generator.</param>
    /// <param name="options">Timeouts; defaults when null.</param>
    public SecurityAssociationDatabase(TimeProvider timeProvider, IKeyManagerListener? listener = null, Random? spiRandom = null, SadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _listener = listener;
        _spiAllocator = new SpiAllocator(spiRandom);
        _options = options ?? new SadOptions();
    }

    /// <summary>Incremented by every change, so caches built from earlier lookups (bundles) know to rebuild.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>The UDP-encapsulated SAs and their local ports, for NAT traversal.</summary>
    internal EncapsulatedStateIndex Encapsulated => _encapsulated;

    /// <summary>Entries held: installed SAs, GETSPI reservations and acquire states.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Finds the SA an inbound packet names (Linux's xfrm_state_lookup). It may be larval or dying: the caller
    /// decides what a non-mature state means for the packet. Lock-free, allocation-free.
    /// </summary>
    public bool TryLookupBySpi(IpAddress destination, uint spi, IpsecProtocol protocol, [NotNullWhen(true)] out SecurityAssociation? sa) =>
        _bySpi.TryGetValue(new SaId(destination, spi, protocol), out sa);

    /// <summary>
    /// The SA output should use for a template (Linux's xfrm_state_find): among the mature and dying SAs for the
    /// addresses, protocol, mode and reqid, a mature one before a dying one and the newest first. A reqid of 0
    /// accepts any reqid (scanning every SA between the two addresses). Null when none is usable: the caller then
    /// raises an ACQUIRE. Lock-free, allocation-free.
    /// </summary>
    public SecurityAssociation? FindOutbound(IpAddress destination, IpAddress source, IpsecProtocol protocol, XfrmMode mode, uint reqId)
    {
        if (reqId != 0)
        {
            return _byDestination.TryGetHead(new OutboundKey(destination, source, protocol, mode, reqId), out SecurityAssociation? head)
                ? SelectUsable(head, SaChain.ByDestination, anyMode: true, mode)
                : null;
        }

        return _bySource.TryGetHead(new AddressKey(source, destination, protocol), out SecurityAssociation? any)
            ? SelectUsable(any, SaChain.BySource, anyMode: false, mode)
            : null;
    }

    /// <summary>
    /// The best usable SA (same preference as <see cref="FindOutbound"/>) between two addresses for a protocol, of
    /// any mode and reqid (Linux's xfrm_state_lookup_byaddr). Lock-free, allocation-free.
    /// </summary>
    public bool TryLookupByAddress(IpAddress source, IpAddress destination, IpsecProtocol protocol, [NotNullWhen(true)] out SecurityAssociation? sa)
    {
        sa = _bySource.TryGetHead(new AddressKey(source, destination, protocol), out SecurityAssociation? head)
            ? SelectUsable(head, SaChain.BySource, anyMode: true, default)
            : null;
        return sa is not null;
    }

    /// <summary>Walks a chain (newest first) for the first mature SA, else the first dying one.</summary>
    private static SecurityAssociation? SelectUsable(SecurityAssociation head, SaChain chain, bool anyMode, XfrmMode mode)
    {
        SecurityAssociation? dying = null;
        for (SecurityAssociation? sa = head; sa is not null; sa = sa.NextIn(chain))
        {
            if (!anyMode && sa.Mode != mode)
            {
                continue;
            }

            SaState state = sa.State;
            if (state == SaState.Mature)
            {
                return sa;
            }

            if (state == SaState.Dying)
            {
                dying ??= sa;
            }
        }

        return dying;
    }

    /// <summary>Puts an SA into every index that applies and schedules its deadlines. Under the write lock.</summary>
    private void Insert(SecurityAssociation sa)
    {
        if (sa.Spi != 0)
        {
            _bySpi[sa.Id] = sa;
        }

        _byDestination.Link(OutboundKey.Of(sa), sa);
        _bySource.Link(AddressKey.Of(sa), sa);
        _encapsulated.Add(sa, sa.NatTraversal);
        if (sa.IsAcquireState)
        {
            _acquiresBySequence[sa.AcquireSequence] = sa;
            _acquiresByFlow[OutboundKey.Of(sa)] = sa;
        }

        _count++;
        Schedule(sa);
        Interlocked.Increment(ref _generation);
    }

    /// <summary>Takes an SA out of every index, marks it dead and wipes its keys. Under the write lock.</summary>
    private void Remove(SecurityAssociation sa)
    {
        if (sa.Spi != 0)
        {
            _bySpi.TryRemove(new KeyValuePair<SaId, SecurityAssociation>(sa.Id, sa));
        }

        _byDestination.Unlink(OutboundKey.Of(sa), sa);
        _bySource.Unlink(AddressKey.Of(sa), sa);
        _encapsulated.Remove(sa, sa.NatTraversal);
        if (sa.IsAcquireState)
        {
            _acquiresBySequence.Remove(sa.AcquireSequence);
            OutboundKey flow = OutboundKey.Of(sa);
            if (_acquiresByFlow.TryGetValue(flow, out SecurityAssociation? indexed) && ReferenceEquals(indexed, sa))
            {
                _acquiresByFlow.Remove(flow);
            }
        }

        _count--;
        bool prepared = sa.State is SaState.Mature or SaState.Dying; // larval states were never given to a transform
        sa.Kill();
        if (prepared)
        {
            _options.Types?.Destroy(sa);
        }

        Interlocked.Increment(ref _generation);
    }

    /// <summary>Lets the SA's transform prepare it (key schedule) before it goes live; false when the transform refuses it.</summary>
    private bool Prepare(SecurityAssociation sa) =>
        _options.Types is null || _options.Types.Init(sa) == TransformStatus.Ok;

    /// <summary>True when <paramref name="sa"/> is an entry of this database right now. Under the write lock.</summary>
    private bool Holds(SecurityAssociation sa) =>
        sa.State != SaState.Dead
        && (sa.Spi != 0
            ? _bySpi.TryGetValue(sa.Id, out SecurityAssociation? installed) && ReferenceEquals(installed, sa)
            : sa.IsAcquireState && _acquiresBySequence.TryGetValue(sa.AcquireSequence, out SecurityAssociation? acquire) && ReferenceEquals(acquire, sa));
}

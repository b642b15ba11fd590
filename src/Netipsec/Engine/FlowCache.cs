using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Engine;

/// <summary>
/// Caches policy lookups and outbound bundle resolutions by (direction, flow), as Linux's flow cache did: the SPD
/// lookup and the SA resolution run once per flow, and later packets of the flow reuse the result.
/// </summary>
/// <remarks>
/// <para>
/// An entry is used only while the <see cref="SecurityPolicyDatabase.Generation"/> and
/// <see cref="SecurityAssociationDatabase.Generation"/> it recorded are current (Linux's genid), its policy is alive
/// and its bundle, if any, <see cref="Bundle.IsUsable"/>; anything else is a miss that looks up again and replaces
/// the entry. A <see cref="BundleStatus.Missing"/> result is cached too, so packets waiting for key management do not
/// each take the SAD's write lock: the SA that answers the ACQUIRE changes the SAD generation, and so does the
/// acquire state's timeout, after which the next packet raises a new ACQUIRE.
/// </para>
/// <para>
/// The table has a fixed size, as Linux hashed flows into a fixed table, and is two-way set-associative: a hash of the
/// flow (seeded per process) picks a set of two slots, so two flows that share a set both stay, and a lookup costs
/// one hash and at most two comparisons whatever the traffic. A new flow takes an empty or stale slot of its set,
/// else one of the two by its hash; only three busy flows in one set evict each other.
/// </para>
/// <para>Thread-safe. A hit takes no lock and allocates nothing. Stale entries stay until they are replaced or cleared.</para>
/// </remarks>
public sealed class FlowCache
{
    /// <summary>The default number of slots.</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>The most slots a cache may have.</summary>
    public const int MaxCapacity = 1 << 20;

    private const int Ways = 2;

    private readonly BundleResolver _resolver;
    private readonly FlowCacheEntry?[] _slots;
    private readonly int _setMask; // masks a hash to the index of a set's first way
    private int _count;

    /// <param name="resolver">Resolves outbound IPsec policies; its SPD and SAD are the databases the cache follows.</param>
    /// <param name="capacity">Slots in the table, rounded up to a power of two and to at least one set of two (at most <see cref="MaxCapacity"/>).</param>
    public FlowCache(BundleResolver resolver, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _resolver = resolver;
        Capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, Ways));
        _slots = new FlowCacheEntry?[Capacity];
        _setMask = (Capacity - 1) & ~(Ways - 1);
    }

    /// <summary>Slots in the table: the most flows it holds at once.</summary>
    public int Capacity { get; }

    /// <summary>Slots holding an entry now, current or stale (approximate while other threads insert).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The policy for <paramref name="flow"/> in <paramref name="direction"/> and, for an outbound IPsec policy, its
    /// bundle resolution: cached when current, otherwise looked up (which may raise an ACQUIRE) and cached.
    /// </summary>
    /// <remarks>The caller accounts the traffic (<see cref="SecurityPolicyDatabase.Account"/>) and handles every status.</remarks>
    public FlowCacheEntry Lookup(PolicyDirection direction, in Flow flow)
    {
        ulong hash = FlowHash.SlotHash(direction, flow);
        ref FlowCacheEntry? first = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (nint)(hash & (ulong)_setMask));
        FlowCacheEntry? cached = Volatile.Read(ref first);
        if (cached is null || !cached.IsFor(direction, flow))
        {
            cached = Volatile.Read(ref Unsafe.Add(ref first, 1)); // the mask keeps both ways inside the table
            if (cached is not null && !cached.IsFor(direction, flow))
            {
                cached = null;
            }
        }

        return cached is not null && IsCurrent(cached) ? cached : Refill(direction, flow, hash, ref first);
    }

    /// <summary>
    /// Looks the flow up and caches the answer: the miss path, kept out of <see cref="Lookup"/> so the hit path stays
    /// small (inlined, the SPD lookup and the resolution gave every hit a large frame to set up).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private FlowCacheEntry Refill(PolicyDirection direction, in Flow flow, ulong hash, ref FlowCacheEntry? first)
    {
        long spdGeneration = _resolver.Spd.Generation;
        long sadGeneration = _resolver.Sad.Generation;
        SecurityPolicy? policy = _resolver.Spd.Lookup(direction, flow);
        BundleResolution resolution = direction == PolicyDirection.Out && policy is { Action: PolicyAction.Ipsec }
            ? _resolver.Resolve(policy, flow)
            : default;
        var entry = new FlowCacheEntry(direction, flow, policy, resolution, spdGeneration, sadGeneration);
        ref FlowCacheEntry? slot = ref ChooseSlot(ref first, ref Unsafe.Add(ref first, 1), direction, flow, hash);
        if (Interlocked.Exchange(ref slot, entry) is null)
        {
            Interlocked.Increment(ref _count);
        }

        return entry;
    }

    /// <summary>Drops every entry.</summary>
    public void Clear()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (Interlocked.Exchange(ref _slots[i], null) is not null)
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    /// <summary>
    /// Where a new entry goes in its set: the slot that holds the flow's stale entry, else an empty or stale slot, else
    /// the way a bit of the hash picks.
    /// </summary>
    private ref FlowCacheEntry? ChooseSlot(ref FlowCacheEntry? first, ref FlowCacheEntry? second, PolicyDirection direction, in Flow flow, ulong hash)
    {
        FlowCacheEntry? inFirst = Volatile.Read(ref first);
        FlowCacheEntry? inSecond = Volatile.Read(ref second);
        if (inSecond is not null && inSecond.IsFor(direction, flow))
        {
            return ref second;
        }

        if (inFirst is null || inFirst.IsFor(direction, flow) || !IsCurrent(inFirst))
        {
            return ref first;
        }

        if (inSecond is null || !IsCurrent(inSecond))
        {
            return ref second;
        }

        return ref (hash & (1UL << 40)) == 0 ? ref first : ref second;
    }

    private bool IsCurrent(FlowCacheEntry entry) =>
        entry.SpdGeneration == _resolver.Spd.Generation
        && entry.SadGeneration == _resolver.Sad.Generation
        && entry.Policy is not { IsDead: true }
        && entry.Resolution.Bundle is not { IsUsable: false };
}

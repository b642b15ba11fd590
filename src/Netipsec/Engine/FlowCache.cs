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
/// The table is direct-mapped, as Linux hashed flows into a fixed table: each flow has one slot, chosen by a hash of
/// the flow, and a flow whose slot holds another flow replaces it. So the size is fixed, a lookup costs one hash and
/// one comparison whatever the traffic, and flows that collide only evict each other.
/// </para>
/// <para>Thread-safe. A hit takes no lock and allocates nothing. Stale entries stay until they are replaced or cleared.</para>
/// </remarks>
public sealed class FlowCache
{
    /// <summary>The default number of slots.</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>The most slots a cache may have.</summary>
    public const int MaxCapacity = 1 << 20;

    private readonly BundleResolver _resolver;
    private readonly FlowCacheEntry?[] _slots;
    private readonly int _slotMask;
    private int _count;

    /// <param name="resolver">Resolves outbound IPsec policies; its SPD and SAD are the databases the cache follows.</param>
    /// <param name="capacity">Slots in the table, rounded up to a power of two (at most <see cref="MaxCapacity"/>).</param>
    public FlowCache(BundleResolver resolver, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _resolver = resolver;
        Capacity = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new FlowCacheEntry?[Capacity];
        _slotMask = Capacity - 1;
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
        ref FlowCacheEntry? slot = ref Slot(direction, flow);
        FlowCacheEntry? cached = Volatile.Read(ref slot);
        if (cached is not null && cached.Key.Is(direction, flow) && IsCurrent(cached))
        {
            return cached;
        }

        long spdGeneration = _resolver.Spd.Generation;
        long sadGeneration = _resolver.Sad.Generation;
        SecurityPolicy? policy = _resolver.Spd.Lookup(direction, flow);
        BundleResolution resolution = direction == PolicyDirection.Out && policy is { Action: PolicyAction.Ipsec }
            ? _resolver.Resolve(policy, flow)
            : default;
        var entry = new FlowCacheEntry(new FlowKey(direction, flow), policy, resolution, spdGeneration, sadGeneration);
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

    // The mask keeps the index inside the table, so the bounds check can go.
    private ref FlowCacheEntry? Slot(PolicyDirection direction, in Flow flow) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (nint)(FlowKey.SlotHash(direction, flow) & (ulong)_slotMask));

    private bool IsCurrent(FlowCacheEntry entry) =>
        entry.SpdGeneration == _resolver.Spd.Generation
        && entry.SadGeneration == _resolver.Sad.Generation
        && entry.Policy is not { IsDead: true }
        && entry.Resolution.Bundle is not { IsUsable: false };
}

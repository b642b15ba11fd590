using System.Collections.Concurrent;
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
/// Thread-safe. A hit takes no lock and allocates nothing. The size is bounded approximately: when an insertion finds
/// <see cref="Capacity"/> entries, the whole cache is cleared (a table full of flows is mostly flows that ended; the
/// active ones return on their next packet). Stale entries stay until they are replaced or cleared.
/// </para>
/// </remarks>
public sealed class FlowCache
{
    /// <summary>The default number of entries before the cache is cleared.</summary>
    public const int DefaultCapacity = 4096;

    private readonly BundleResolver _resolver;
    private readonly ConcurrentDictionary<FlowKey, FlowCacheEntry> _entries = new();
    private int _count;

    /// <param name="resolver">Resolves outbound IPsec policies; its SPD and SAD are the databases the cache follows.</param>
    /// <param name="capacity">Entries held before the cache is cleared.</param>
    public FlowCache(BundleResolver resolver, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _resolver = resolver;
        Capacity = capacity;
    }

    /// <summary>Entries held before an insertion clears the cache.</summary>
    public int Capacity { get; }

    /// <summary>Entries held now, current and stale (approximate while other threads insert).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The policy for <paramref name="flow"/> in <paramref name="direction"/> and, for an outbound IPsec policy, its
    /// bundle resolution: cached when current, otherwise looked up (which may raise an ACQUIRE) and cached.
    /// </summary>
    /// <remarks>The caller accounts the traffic (<see cref="SecurityPolicyDatabase.Account"/>) and handles every status.</remarks>
    public FlowCacheEntry Lookup(PolicyDirection direction, in Flow flow)
    {
        var key = new FlowKey(direction, flow);
        if (_entries.TryGetValue(key, out FlowCacheEntry? cached) && IsCurrent(cached))
        {
            return cached;
        }

        long spdGeneration = _resolver.Spd.Generation;
        long sadGeneration = _resolver.Sad.Generation;
        SecurityPolicy? policy = _resolver.Spd.Lookup(direction, flow);
        BundleResolution resolution = direction == PolicyDirection.Out && policy is { Action: PolicyAction.Ipsec }
            ? _resolver.Resolve(policy, flow)
            : default;
        var entry = new FlowCacheEntry(policy, resolution, spdGeneration, sadGeneration);
        Store(key, cached, entry);
        return entry;
    }

    /// <summary>Drops every entry.</summary>
    public void Clear()
    {
        _entries.Clear();
        Volatile.Write(ref _count, 0);
    }

    private bool IsCurrent(FlowCacheEntry entry) =>
        entry.SpdGeneration == _resolver.Spd.Generation
        && entry.SadGeneration == _resolver.Sad.Generation
        && entry.Policy is not { IsDead: true }
        && entry.Resolution.Bundle is not { IsUsable: false };

    private void Store(FlowKey key, FlowCacheEntry? stale, FlowCacheEntry entry)
    {
        if (stale is not null && _entries.TryUpdate(key, entry, stale))
        {
            return;
        }

        if (Volatile.Read(ref _count) >= Capacity)
        {
            Clear();
        }

        if (_entries.TryAdd(key, entry))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            // Another thread cached the flow meanwhile; the newer lookup wins.
            _entries[key] = entry;
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Netipsec.Packets;

namespace Netipsec.Policies;

/// <summary>
/// All policies of one direction and IP version whose selectors have one (destination, source) prefix-length pair:
/// a hash table keyed by the masked (destination, source) addresses, each bucket an immutable array of policies
/// sorted by (priority, insertion order).
/// </summary>
/// <remarks>
/// Readers (<see cref="FindBest"/>) never lock: <see cref="ConcurrentDictionary{TKey, TValue}"/> reads are
/// lock-free and allocation-free, and a bucket is replaced, never changed, so a reader sees one whole version of it.
/// Every other member belongs to the SPD's single writer, which holds its write lock.
/// </remarks>
internal sealed class PrefixTable(int destinationLength, int sourceLength)
{
    private readonly ConcurrentDictionary<AddressPairKey, RankedPolicy[]> _buckets = new();

    // Writer-side: the (priority, order) of every entry, so the best priority survives deletes in O(log n).
    private readonly SortedSet<(uint Priority, ulong Order)> _ranks = [];

    public int DestinationLength { get; } = destinationLength;

    public int SourceLength { get; } = sourceLength;

    /// <summary>Entries in the table (writer only).</summary>
    public int Count => _ranks.Count;

    /// <summary>The lowest priority in the table (writer only; the table must not be empty).</summary>
    public uint BestPriority => _ranks.Min.Priority;

    /// <summary>Whether readers can reach the table, and the best priority they were told (writer only).</summary>
    public bool IsPublished { get; set; }

    public uint PublishedBestPriority { get; set; }

    /// <summary>
    /// Offers the first policy of the flow's bucket that matches the flow and beats <paramref name="best"/>; the bucket's
    /// order means no later entry of it can do better.
    /// </summary>
    public void FindBest(in Flow flow, ref RankedPolicy best, ref bool found)
    {
        var key = new AddressPairKey(flow.Destination.Mask(DestinationLength), flow.Source.Mask(SourceLength));
        if (!_buckets.TryGetValue(key, out RankedPolicy[]? bucket))
        {
            return;
        }

        foreach (RankedPolicy candidate in bucket)
        {
            if (found && !candidate.Precedes(best))
            {
                return;
            }

            if (candidate.Policy.Selector.Matches(flow))
            {
                best = candidate;
                found = true;
                return;
            }
        }
    }

    /// <summary>Records the ranks that a coming <see cref="SwapBucket"/> removes and adds (writer only).</summary>
    public void UpdateRanks(RankedPolicy? removed, RankedPolicy? added)
    {
        if (removed is { } old)
        {
            _ranks.Remove((old.Priority, old.Order));
        }

        if (added is { } entry)
        {
            _ranks.Add((entry.Priority, entry.Order));
        }
    }

    /// <summary>
    /// Publishes a new version of the bucket of <paramref name="selector"/>'s addresses: without
    /// <paramref name="removed"/>, with <paramref name="added"/> in its sorted place. Copies that bucket only.
    /// </summary>
    public void SwapBucket(Selector selector, RankedPolicy? removed, RankedPolicy? added)
    {
        // A selector's prefixes are stored masked, so they are the bucket key as they are.
        var key = new AddressPairKey(selector.Destination.Address, selector.Source.Address);
        RankedPolicy[] current = _buckets.TryGetValue(key, out RankedPolicy[]? existing) ? existing : [];
        int length = current.Length - (removed is null ? 0 : 1) + (added is null ? 0 : 1);
        if (length == 0)
        {
            _buckets.TryRemove(key, out _);
            return;
        }

        var next = new RankedPolicy[length];
        int written = 0;
        bool placed = added is null;
        foreach (RankedPolicy entry in current)
        {
            if (removed is { } old && ReferenceEquals(entry.Policy, old.Policy))
            {
                continue;
            }

            if (!placed && added!.Value.Precedes(entry))
            {
                next[written++] = added.Value;
                placed = true;
            }

            next[written++] = entry;
        }

        if (!placed)
        {
            next[written++] = added!.Value;
        }

        Debug.Assert(written == length, "The removed policy must be in its bucket.");
        _buckets[key] = next;
    }
}

using Netipsec.Packets;

namespace Netipsec.Policies;

/// <summary>
/// The lookup index of one direction and IP version of the SPD: tuple-space search, one <see cref="PrefixTable"/>
/// per (destination prefix length, source prefix length) pair in use.
/// </summary>
/// <remarks>
/// <para>
/// Lookup probes the tables in order of the best (lowest) priority each holds and stops at the first table whose
/// best priority is worse than the best match so far (priority pruning; on equal priority it must still probe,
/// since an older policy wins the tie). Cost: at most T hash probes, T the number of distinct prefix-length pairs
/// (at most 33 x 33 for IPv4, 129 x 129 for IPv6, a handful in practice), plus a scan of the one bucket per table
/// that holds policies with exactly the flow's masked addresses, which stops at the first match. It does not grow
/// with the number of policies N, only with T and the policies sharing one address pair. A write costs O(log N)
/// plus a copy of one bucket, and an O(T) copy of the table order when a table appears, disappears or changes
/// its best priority.
/// </para>
/// <para>
/// Readers never lock: they read the published table array once, and every table's buckets lock-free. The single
/// writer (under the SPD's write lock) keeps one invariant: the best priority published for a table is never above
/// a priority a reader can find in it. So a write that lowers a table's best publishes the new order before the
/// bucket changes, and one that raises it publishes after. A reader racing one write then answers as before or as
/// after that write, never with a mix that loses both the old and the new policy.
/// </para>
/// </remarks>
internal sealed class PolicyTupleSpace
{
    private Dictionary<(int Destination, int Source), PrefixTable> _tables = [];
    private RankedTable[] _published = [];

    /// <summary>The tables as readers see them now, in probe order.</summary>
    internal ReadOnlySpan<RankedTable> PublishedTables => Volatile.Read(ref _published);

    /// <summary>The winning policy for the flow: lowest priority, then installed first; null when none matches. Lock-free, no allocation.</summary>
    public SecurityPolicy? Lookup(in Flow flow)
    {
        RankedTable[] tables = Volatile.Read(ref _published);
        RankedPolicy best = default;
        bool found = false;
        foreach (RankedTable ranked in tables)
        {
            if (found && ranked.BestPriority > best.Priority)
            {
                break;
            }

            ranked.Table.FindBest(flow, ref best, ref found);
        }

        return found ? best.Policy : null;
    }

    /// <summary>
    /// Replaces <paramref name="removed"/> by <paramref name="added"/> (either may be null; when both are set they
    /// share one selector) in one step that readers see as a whole (writer only).
    /// </summary>
    public void Change(Selector selector, RankedPolicy? removed, RankedPolicy? added)
    {
        (int, int) lengths = (selector.Destination.Length, selector.Source.Length);
        if (!_tables.TryGetValue(lengths, out PrefixTable? table))
        {
            table = new PrefixTable(lengths.Item1, lengths.Item2);
            _tables.Add(lengths, table);
        }

        table.UpdateRanks(removed, added);
        bool lowered = table.Count > 0 && (!table.IsPublished || table.BestPriority < table.PublishedBestPriority);
        if (lowered)
        {
            Republish(table);
        }

        table.SwapBucket(selector, removed, added);
        if (table.Count == 0)
        {
            _tables.Remove(lengths);
            Republish(table);
        }
        else if (!lowered && table.BestPriority != table.PublishedBestPriority)
        {
            Republish(table);
        }
    }

    /// <summary>Forgets every policy at once; readers switch to the empty index in one step (writer only).</summary>
    public void Clear()
    {
        _tables = [];
        Volatile.Write(ref _published, []);
    }

    /// <summary>
    /// Publishes a new table order in which <paramref name="table"/> sits at the place of its current best priority,
    /// or is gone when it is empty. The others keep their order, so this is one O(T) copy with no sort.
    /// </summary>
    private void Republish(PrefixTable table)
    {
        RankedTable[] current = _published;
        bool keep = table.Count > 0;
        uint best = keep ? table.BestPriority : 0;
        var next = new RankedTable[current.Length - (table.IsPublished ? 1 : 0) + (keep ? 1 : 0)];
        int written = 0;
        bool placed = !keep;
        foreach (RankedTable ranked in current)
        {
            if (ReferenceEquals(ranked.Table, table))
            {
                continue;
            }

            if (!placed && best < ranked.BestPriority)
            {
                next[written++] = new RankedTable(best, table);
                placed = true;
            }

            next[written++] = ranked;
        }

        if (!placed)
        {
            next[written] = new RankedTable(best, table);
        }

        table.IsPublished = keep;
        table.PublishedBestPriority = best;
        Volatile.Write(ref _published, next);
    }
}

namespace Netipsec.Packets;

/// <summary>
/// The datagrams of one address family in the order their first fragments came, oldest first, linked through the
/// entries themselves (no node allocations). All of a family share one timeout, so the oldest always expires first
/// and a purge only looks at the head. Guarded by the reassembler's lock.
/// </summary>
internal sealed class ReassemblyQueue
{
    public ReassemblyEntry? Oldest { get; private set; }

    private ReassemblyEntry? Newest { get; set; }

    public void Append(ReassemblyEntry entry)
    {
        entry.Older = Newest;
        entry.Newer = null;
        if (Newest is null)
        {
            Oldest = entry;
        }
        else
        {
            Newest.Newer = entry;
        }

        Newest = entry;
    }

    public void Remove(ReassemblyEntry entry)
    {
        if (entry.Older is null)
        {
            Oldest = entry.Newer;
        }
        else
        {
            entry.Older.Newer = entry.Newer;
        }

        if (entry.Newer is null)
        {
            Newest = entry.Older;
        }
        else
        {
            entry.Newer.Older = entry.Older;
        }

        entry.Older = null;
        entry.Newer = null;
    }
}

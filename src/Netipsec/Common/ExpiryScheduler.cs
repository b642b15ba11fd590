namespace Netipsec.Common;

/// <summary>
/// The one timer structure behind SA, policy and acquire-state lifetimes: a min-heap of (deadline, item) that the
/// owner drains with the current time from its injected clock. There is no timer per item and no thread here; the
/// host calls the owner's expiry pass (the daemon once a second, tests after advancing a fake clock).
/// </summary>
/// <remarks>
/// Entries are never removed or re-keyed in place: an item that changed its deadline is simply scheduled again, and
/// the owner re-checks each drained item against its real state, ignoring stale entries. That keeps scheduling
/// O(log n) with no index into the heap. Not thread-safe; the owner serialises calls under its write lock.
/// </remarks>
internal sealed class ExpiryScheduler<T>
    where T : class
{
    private readonly PriorityQueue<T, DateTimeOffset> _heap = new();

    public int Count => _heap.Count;

    public void Schedule(T item, DateTimeOffset deadline)
    {
        if (deadline != DateTimeOffset.MaxValue)
        {
            _heap.Enqueue(item, deadline);
        }
    }

    /// <summary>Moves every item whose deadline is at or before <paramref name="now"/> into <paramref name="due"/>.</summary>
    public void DrainDue(DateTimeOffset now, List<T> due)
    {
        while (_heap.TryPeek(out T? item, out DateTimeOffset deadline) && deadline <= now)
        {
            _heap.Dequeue();
            due.Add(item);
        }
    }

    public void Clear() => _heap.Clear();
}

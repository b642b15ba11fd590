namespace Netipsec.States;

/// <summary>
/// The running lifetime of an SA or a policy (PF_KEY's CURRENT lifetime, Linux's curlft): bytes and packets so far,
/// when it was added and when it was first used. Counted lock-free from the data path.
/// </summary>
public sealed class LifetimeCurrent
{
    private long _bytes;
    private long _packets;
    private long _useTimeTicks; // 0 = not used yet; UTC ticks otherwise

    public LifetimeCurrent(DateTimeOffset addTime) => AddTime = addTime;

    public DateTimeOffset AddTime { get; }

    public ulong Bytes => (ulong)Volatile.Read(ref _bytes);

    /// <summary>Packets processed (PF_KEY calls these "allocations").</summary>
    public ulong Packets => (ulong)Volatile.Read(ref _packets);

    public DateTimeOffset? UseTime
    {
        get
        {
            long ticks = Volatile.Read(ref _useTimeTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Counts one packet of <paramref name="bytes"/> bytes; returns true when this was the first use, whose time it
    /// records from <paramref name="time"/>. The clock is read only while the lifetime is unused: a per-packet read
    /// would cost the data path more than the counting does.
    /// </summary>
    public bool Account(int bytes, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _packets);
        return Volatile.Read(ref _useTimeTicks) == 0
            && Interlocked.CompareExchange(ref _useTimeTicks, time.GetUtcNow().UtcTicks, 0) == 0;
    }
}

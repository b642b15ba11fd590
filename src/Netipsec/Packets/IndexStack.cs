namespace Netipsec.Packets;

/// <summary>
/// A lock-free, thread-safe stack of the indices 0 to capacity - 1 (a Treiber stack threaded through an array), each
/// held at most once; what <see cref="PacketPool"/> keeps its free packets in. Allocates nothing after construction.
/// </summary>
/// <remarks>
/// The head packs the top index (plus one, so zero means empty) in its low 24 bits and a version in its high 40 bits
/// that every successful push and pop bumps, so a pop that read a head which meanwhile was popped and pushed back
/// (the ABA problem) fails its compare-and-swap instead of linking a stale successor. Forty bits make a wrap of the
/// version back to the value a stalled thread read take 2^40 operations (days at millions of packets a second).
/// </remarks>
internal sealed class IndexStack
{
    /// <summary>The most indices a stack holds: what fits the head's 24 index bits.</summary>
    public const int MaxCapacity = (1 << IndexBits) - 1;

    private const int IndexBits = 24;
    private const long IndexMask = (1L << IndexBits) - 1;
    private const long VersionStep = 1L << IndexBits;
    private const long VersionMask = ~IndexMask;

    // _next[i] is the index below i while i is on the stack, plus one (zero: i is the bottom).
    private readonly int[] _next;
    private long _head;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative or above <see cref="MaxCapacity"/>.</exception>
    public IndexStack(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _next = new int[capacity];
    }

    /// <summary>Pushes an index that is not on the stack (the caller guarantees it: the stack cannot tell).</summary>
    public void Push(int index)
    {
        while (true)
        {
            long head = Volatile.Read(ref _head);
            _next[index] = (int)(head & IndexMask);
            long pushed = unchecked((head & VersionMask) + VersionStep) | (uint)(index + 1);
            if (Interlocked.CompareExchange(ref _head, pushed, head) == head)
            {
                return;
            }
        }
    }

    /// <summary>Pops the most recently pushed index; false when the stack is empty.</summary>
    public bool TryPop(out int index)
    {
        while (true)
        {
            long head = Volatile.Read(ref _head);
            int top = (int)(head & IndexMask);
            if (top == 0)
            {
                index = -1;
                return false;
            }

            // The read of the successor may be stale if another thread popped top meanwhile; the version then differs
            // and the swap fails.
            long popped = unchecked((head & VersionMask) + VersionStep) | (uint)_next[top - 1];
            if (Interlocked.CompareExchange(ref _head, popped, head) == head)
            {
                index = top - 1;
                return true;
            }
        }
    }
}

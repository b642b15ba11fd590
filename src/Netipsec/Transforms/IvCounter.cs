using System.Buffers.Binary;

namespace Netipsec.Transforms;

/// <summary>
/// A per-SA 64-bit explicit IV counter for the counter-based modes (RFC 4106 §3.1, RFC 3686 §3.1, RFC 4543 §3.1):
/// each value is handed out once, and once the counter is used up it hands out nothing more, because an IV must never
/// repeat under one key. Thread-safe and lock-free; allocates nothing.
/// </summary>
internal sealed class IvCounter
{
    /// <summary>Bytes of IV the counter writes.</summary>
    internal const int Length = sizeof(ulong);

    // Marks the counter as used up, so it is never sent: one IV of 2^64 is not worth a second field that would have
    // to change atomically with the counter.
    private const ulong Exhausted = ulong.MaxValue;

    private ulong _next;

    /// <summary>A counter whose first IV is <paramref name="first"/> (0 in production; tests start elsewhere).</summary>
    internal IvCounter(ulong first) => _next = first;

    /// <summary>Writes the next IV big-endian into the first 8 bytes of <paramref name="iv"/>; false once the counter is used up (then forever).</summary>
    internal bool TryWrite(Span<byte> iv)
    {
        ulong current = Volatile.Read(ref _next);
        while (current != Exhausted)
        {
            ulong seen = Interlocked.CompareExchange(ref _next, current + 1, current);
            if (seen == current)
            {
                BinaryPrimitives.WriteUInt64BigEndian(iv, current);
                return true;
            }

            current = seen;
        }

        return false;
    }
}

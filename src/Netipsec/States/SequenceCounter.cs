namespace Netipsec.States;

/// <summary>
/// The outbound sequence number counter of one SA (RFC 4303 §3.3.3): the first packet carries 1, each next packet
/// one more. The counter never wraps: once the last number (2^32 − 1, or 2^64 − 1 with extended sequence numbers)
/// is used the SA must stop sending and be rekeyed.
/// </summary>
/// <remarks>
/// <para>
/// Cycling (setkey's cyclic sequence numbers, KAME's SADB_X_EXT_CYCSEQ) is for manually keyed SAs whose receiver has
/// anti-replay disabled: RFC 4303 §3.3.3 then lets the counter roll over back to zero, so the number after the last
/// one is 0, then 1, 2, and so on.
/// </para>
/// <para>
/// Thread-safe and lock-free: <see cref="TryNext"/> may be called from parallel transmit paths; each call gets a
/// distinct number (until cycling reuses them). Numbers are handed out in call order, which is not necessarily the
/// order packets reach the wire.
/// </para>
/// </remarks>
public sealed class SequenceCounter
{
    private readonly ulong _last; // 2^32 − 1, or 2^64 − 1 with extended sequence numbers
    private ulong _current;

    /// <summary>Creates a counter whose next number is <paramref name="initial"/> + 1.</summary>
    /// <param name="extendedSequenceNumbers">True for 64-bit sequence numbers (RFC 4303 §2.2.1).</param>
    /// <param name="allowCycling">True to roll over to 0 after the last number instead of stopping.</param>
    /// <param name="initial">
    /// The last number already used: 0 for a new SA, or a restored value (PF_KEY replay state, tests).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="initial"/> is above 2^32 − 1 without extended sequence numbers.
    /// </exception>
    public SequenceCounter(bool extendedSequenceNumbers, bool allowCycling = false, ulong initial = 0)
    {
        ExtendedSequenceNumbers = extendedSequenceNumbers;
        AllowCycling = allowCycling;
        _last = extendedSequenceNumbers ? ulong.MaxValue : uint.MaxValue;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(initial, _last);
        _current = initial;
    }

    /// <summary>True when numbers are 64 bits wide (only the low 32 go on the wire).</summary>
    public bool ExtendedSequenceNumbers { get; }

    /// <summary>True when the counter rolls over to 0 after the last number instead of stopping.</summary>
    public bool AllowCycling { get; }

    /// <summary>The number most recently given out (0 before the first one).</summary>
    public ulong Current => Volatile.Read(ref _current);

    /// <summary>
    /// True once the last number (2^32 − 1, or 2^64 − 1 with ESN) was given out and cycling is not allowed: <see cref="TryNext"/> fails from now on
    /// and the SA needs a rekey.
    /// </summary>
    public bool IsExhausted => !AllowCycling && Current == _last;

    /// <summary>Takes the next sequence number for an outgoing packet.</summary>
    /// <param name="sequence">The number to send (its low 32 bits on the wire); 0 when the counter is exhausted.</param>
    /// <returns>False when the counter is exhausted: the packet must not be sent (RFC 4303 §3.3.3).</returns>
    public bool TryNext(out ulong sequence)
    {
        ulong current = Volatile.Read(ref _current);
        while (true)
        {
            ulong next;
            if (current != _last)
            {
                next = current + 1;
            }
            else if (AllowCycling)
            {
                next = 0;
            }
            else
            {
                sequence = 0;
                return false;
            }

            ulong seen = Interlocked.CompareExchange(ref _current, next, current);
            if (seen == current)
            {
                sequence = next;
                return true;
            }

            current = seen;
        }
    }
}

using System.Numerics;

namespace Netipsec.States;

/// <summary>
/// The inbound anti-replay window of one SA (RFC 4303 §3.4.3, Appendix A2): the highest authenticated sequence
/// number and which of the <see cref="Size"/> numbers up to it were seen. With extended sequence numbers (ESN) it
/// also infers the untransmitted high-order 32 bits of each packet's number (RFC 4303 Appendix A2.2).
/// </summary>
/// <remarks>
/// <para>
/// Use it in two phases, as RFC 4303 Appendix A2.3 and Linux/strongSwan do: <see cref="Check"/> before the ICV is
/// verified (it changes nothing, so a forged packet cannot move the window), then <see cref="Advance"/> only once
/// the ICV verified. With ESN the high half returned by <see cref="Check"/> is the one the ICV must cover.
/// </para>
/// <para>
/// <see cref="Advance"/> and <see cref="TryCopyBitmap"/> need exclusive access; the data path gets it from
/// <see cref="AdvanceExclusively"/>, which serialises advances itself. <see cref="Check"/> does not: it
/// may run on any thread at the same time as one <see cref="Advance"/>, because it only reads, and what it reads is a
/// state the window really had or a later one (Highest is published after the blocks it covers). So a number it
/// accepts may be refused by <see cref="Advance"/> (a duplicate raced it: one of them passes), and one it refuses is
/// refused by every later state too. <see cref="Check"/> allocates nothing.
/// </para>
/// <para>
/// Loss of 2^32 or more consecutive packets makes the inference wrong (RFC 4303 Appendix A3); the resynchronisation
/// it describes retries the ICV with larger high halves and belongs to the transform. Once one verifies, passing
/// that high half to <see cref="Advance"/> moves the window there.
/// </para>
/// </remarks>
public sealed partial class ReplayWindow
{
    /// <summary>The largest window, in packets (as Linux's 4096-byte ESN bitmap).</summary>
    public const int MaxSize = 32768;

    private const int BitsPerBlock = 64;
    private const int BlockShift = 6; // log2(BitsPerBlock)

    // RFC 6479: a ring of 64-bit blocks indexed by (sequence / 64) mod blocks, bit (sequence mod 64). Sliding clears
    // whole blocks instead of shifting the bitmap. The block count is a power of two (the index is a mask) with one
    // block to spare, so every number of the window keeps its bit while the block holding Highest is partly filled.
    private readonly ulong[] _blocks;
    private readonly ulong _blockMask;
    private ulong _highest;
    private SpinLock _advancing = new(enableThreadOwnerTracking: false); // held while AdvanceExclusively runs

    /// <summary>Creates an empty window: nothing seen, <see cref="Highest"/> 0 or where the SA continues from.</summary>
    /// <param name="size">
    /// Window size in packets, 1 to <see cref="MaxSize"/>; 0 disables anti-replay (PF_KEY's replay 0, setkey's
    /// NOREPLAY): every number is accepted, while <see cref="Highest"/> is still tracked for ESN inference.
    /// </param>
    /// <param name="extendedSequenceNumbers">True when the SA uses 64-bit sequence numbers (RFC 4303 §2.2.1).</param>
    /// <param name="highest">
    /// Where the window starts (<see cref="Highest"/>), for an SA that continues elsewhere; nothing is marked seen,
    /// so the numbers of the window below it are still accepted once. At most 2^32 - 1 without ESN.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative or above <see cref="MaxSize"/>, or <paramref name="highest"/> needs ESN and it is off.</exception>
    public ReplayWindow(int size, bool extendedSequenceNumbers, ulong highest = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        if (!extendedSequenceNumbers)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(highest, uint.MaxValue);
        }

        Size = size;
        ExtendedSequenceNumbers = extendedSequenceNumbers;
        _highest = highest;
        if (size == 0)
        {
            _blocks = [];
            return;
        }

        int blockCount = (int)BitOperations.RoundUpToPowerOf2((uint)((size - 1 + BitsPerBlock - 1) / BitsPerBlock + 1));
        _blocks = new ulong[blockCount];
        _blockMask = (ulong)blockCount - 1;
    }

    /// <summary>The configured window size in packets; 0 when anti-replay is disabled.</summary>
    public int Size { get; }

    /// <summary>True when the SA uses 64-bit extended sequence numbers.</summary>
    public bool ExtendedSequenceNumbers { get; }

    /// <summary>The highest authenticated sequence number (64 bits with ESN); 0 before the first one.</summary>
    public ulong Highest => Volatile.Read(ref _highest);

    /// <summary>Number of <see cref="ulong"/> words <see cref="TryCopyBitmap"/> writes: one bit per window slot.</summary>
    public int BitmapLength => (Size + BitsPerBlock - 1) / BitsPerBlock;

    /// <summary>
    /// Phase 1, before the ICV is verified: classifies the packet's sequence number without changing anything.
    /// </summary>
    /// <param name="sequenceLow">The sequence number field of the packet (the low 32 bits with ESN).</param>
    /// <param name="sequenceHigh">
    /// With ESN the inferred high-order 32 bits (RFC 4303 Appendix A2.2), to include in the ICV and to pass to
    /// <see cref="Advance"/>; 0 without ESN and whenever the verdict is <see cref="ReplayVerdict.Invalid"/>.
    /// </param>
    /// <returns>
    /// <see cref="ReplayVerdict.Accepted"/> to go on with ICV verification; any other verdict means drop.
    /// </returns>
    public ReplayVerdict Check(uint sequenceLow, out uint sequenceHigh)
    {
        // One read of Highest for the whole check, so the inference and the classification see the same window.
        ulong highest = Volatile.Read(ref _highest);
        if (!ExtendedSequenceNumbers)
        {
            sequenceHigh = 0;
            return Classify(sequenceLow, highest);
        }

        if (!TryInferHigh(sequenceLow, highest, out sequenceHigh))
        {
            return ReplayVerdict.Invalid;
        }

        return Classify(((ulong)sequenceHigh << 32) | sequenceLow, highest);
    }

    /// <summary>
    /// <see cref="Advance"/> for threads that may race: advances are serialised on a <see cref="SpinLock"/> without owner
    /// tracking (it spins, then yields, while another thread advances), cheaper per packet than a <see cref="Lock"/>,
    /// whose owner bookkeeping cost more than the advance itself. <see cref="Check"/> still runs beside it.
    /// </summary>
    public ReplayVerdict AdvanceExclusively(uint sequenceLow, uint sequenceHigh)
    {
        bool taken = false;
        try
        {
            _advancing.Enter(ref taken);
            return Advance(sequenceLow, sequenceHigh);
        }
        finally
        {
            if (taken)
            {
                _advancing.Exit();
            }
        }
    }

    /// <summary>
    /// Phase 2, only after the ICV verified: marks the number as seen and slides the window when it is the new
    /// highest. The number is classified again first because the window may have moved since <see cref="Check"/>
    /// (another packet with the same number, or one that pushed this one out); only an
    /// <see cref="ReplayVerdict.Accepted"/> number changes the window.
    /// </summary>
    /// <param name="sequenceLow">The packet's sequence number field.</param>
    /// <param name="sequenceHigh">
    /// The high half the ICV was verified with (from <see cref="Check"/>, or from RFC 4303 Appendix A3
    /// resynchronisation); must be 0 without ESN.
    /// </param>
    /// <returns>The verdict at this moment; anything but <see cref="ReplayVerdict.Accepted"/> means drop and count.</returns>
    public ReplayVerdict Advance(uint sequenceLow, uint sequenceHigh)
    {
        if (!ExtendedSequenceNumbers && sequenceHigh != 0)
        {
            return ReplayVerdict.Invalid;
        }

        ulong sequence = ((ulong)sequenceHigh << 32) | sequenceLow;
        ReplayVerdict verdict = Classify(sequence, _highest);
        if (verdict != ReplayVerdict.Accepted)
        {
            return verdict;
        }

        if (Size != 0)
        {
            if (sequence > _highest)
            {
                ClearBlocksUpTo(sequence);
            }

            _blocks[BlockIndex(sequence)] |= BitOf(sequence);
        }

        if (sequence > _highest)
        {
            // Published after the blocks: a lock-free Check that sees the new Highest also sees the cleared blocks.
            Volatile.Write(ref _highest, sequence);
        }

        return ReplayVerdict.Accepted;
    }

    /// <summary>
    /// Copies the seen-state of the window for PF_KEY replay state and diagnostics: bit i (word i / 64, bit i % 64)
    /// is set when <see cref="Highest"/> − i was authenticated, for i below <see cref="Size"/>.
    /// </summary>
    /// <param name="destination">Receives <see cref="BitmapLength"/> words.</param>
    /// <param name="wordsWritten"><see cref="BitmapLength"/> on success, 0 when <paramref name="destination"/> is too short.</param>
    /// <returns>False, writing nothing, when <paramref name="destination"/> is shorter than <see cref="BitmapLength"/>.</returns>
    public bool TryCopyBitmap(Span<ulong> destination, out int wordsWritten)
    {
        int length = BitmapLength;
        if (destination.Length < length)
        {
            wordsWritten = 0;
            return false;
        }

        Span<ulong> bitmap = destination[..length];
        bitmap.Clear();
        ulong slots = Math.Min((ulong)Size, _highest); // numbers below 1 were never sent
        for (ulong offset = 0; offset < slots; offset++)
        {
            ulong sequence = _highest - offset;
            if ((_blocks[BlockIndex(sequence)] & BitOf(sequence)) != 0)
            {
                bitmap[(int)(offset >> BlockShift)] |= 1UL << (int)(offset & (BitsPerBlock - 1));
            }
        }

        wordsWritten = length;
        return true;
    }

    private ReplayVerdict Classify(ulong sequence, ulong highest)
    {
        if (Size == 0)
        {
            return ReplayVerdict.Accepted;
        }

        if (sequence == 0)
        {
            return ReplayVerdict.Invalid;
        }

        if (sequence > highest)
        {
            return ReplayVerdict.Accepted;
        }

        if (highest - sequence >= (ulong)Size)
        {
            return ReplayVerdict.TooOld;
        }

        return (_blocks[BlockIndex(sequence)] & BitOf(sequence)) != 0 ? ReplayVerdict.Replayed : ReplayVerdict.Accepted;
    }

    // Clears the blocks between the one holding Highest and the one holding the new highest: they held numbers
    // that have now left the window, and must read "not seen" for the numbers entering it.
    private void ClearBlocksUpTo(ulong newHighest)
    {
        ulong currentBlock = _highest >> BlockShift;
        ulong blocksToClear = (newHighest >> BlockShift) - currentBlock;
        if (blocksToClear >= (ulong)_blocks.Length)
        {
            Array.Clear(_blocks);
            return;
        }

        for (ulong i = 1; i <= blocksToClear; i++)
        {
            _blocks[(int)((currentBlock + i) & _blockMask)] = 0;
        }
    }

    private int BlockIndex(ulong sequence) => (int)((sequence >> BlockShift) & _blockMask);

    private static ulong BitOf(ulong sequence) => 1UL << (int)(sequence & (BitsPerBlock - 1));
}

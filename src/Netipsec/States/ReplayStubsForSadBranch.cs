// Stand-ins so the SAD branch builds on its own: the replay branch provides the real ReplayWindow, ReplayVerdict and
// SequenceCounter with this API, and this file is deleted when the two branches are merged.
#pragma warning disable CA1028, SA1402, SA1649
namespace Netipsec.States;

public enum ReplayVerdict
{
    Accepted,
    Replayed,
    TooOld,
}

public sealed class ReplayWindow
{
    public const int MaxSize = 32768;

    public ReplayWindow(int size, bool extendedSequenceNumbers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        Size = size;
        ExtendedSequenceNumbers = extendedSequenceNumbers;
    }

    public int Size { get; }

    public bool ExtendedSequenceNumbers { get; }

    public ulong Highest { get; private set; }

    public ReplayVerdict Check(uint sequenceLow, out uint sequenceHigh)
    {
        sequenceHigh = (uint)(Highest >> 32);
        return Size == 0 || sequenceLow > (uint)Highest ? ReplayVerdict.Accepted : ReplayVerdict.Replayed;
    }

    public ReplayVerdict Advance(uint sequenceLow, uint sequenceHigh)
    {
        ulong sequence = ((ulong)sequenceHigh << 32) | sequenceLow;
        if (sequence > Highest)
        {
            Highest = sequence;
        }

        return ReplayVerdict.Accepted;
    }
}

public sealed class SequenceCounter
{
    private readonly ulong _last;

    public SequenceCounter(bool extendedSequenceNumbers, bool allowCycling = false, ulong initial = 0)
    {
        ExtendedSequenceNumbers = extendedSequenceNumbers;
        AllowCycling = allowCycling;
        _last = extendedSequenceNumbers ? ulong.MaxValue : uint.MaxValue;
        Current = initial;
    }

    public bool ExtendedSequenceNumbers { get; }

    public bool AllowCycling { get; }

    public ulong Current { get; private set; }

    public bool IsExhausted => !AllowCycling && Current == _last;

    public bool TryNext(out ulong sequence)
    {
        if (IsExhausted)
        {
            sequence = 0;
            return false;
        }

        Current = Current == _last ? 0 : Current + 1;
        sequence = Current;
        return true;
    }
}

namespace Netipsec.States;

public sealed partial class ReplayWindow
{
    // With anti-replay disabled there is no window to anchor the inference, so it uses the widest window the RFC 4303
    // Appendix A2 algorithm allows (2^31): the inferred number is the one nearest to Highest, which tolerates the
    // most reordering in both directions.
    private const uint NoReplayInferenceWindow = 1U << 31;

    /// <summary>
    /// RFC 4303 Appendix A2.2: the high half that puts the number inside [B, B + 2^32) with B = T − W + 1, so numbers
    /// left of the window are taken as the next 2^32 subspace. Returns false when that high half does not exist (it
    /// would fall before 0 or after 2^32 − 1); with anti-replay disabled the nearest existing one is used instead.
    /// </summary>
    private bool TryInferHigh(uint sequenceLow, ulong highest, out uint sequenceHigh)
    {
        uint window = Size == 0 ? NoReplayInferenceWindow : (uint)Size;
        uint highestLow = (uint)highest;
        uint highestHigh = (uint)(highest >> 32);
        uint bottomLow = highestLow - window + 1; // wraps when the window spans two subspaces

        int step;
        if (highestLow >= window - 1)
        {
            // Case A: the whole window lies in subspace Th; numbers below its bottom belong to Th + 1.
            step = sequenceLow >= bottomLow ? 0 : 1;
        }
        else
        {
            // Case B: the window starts in subspace Th − 1 and ends in Th.
            step = sequenceLow >= bottomLow ? -1 : 0;
        }

        long high = (long)highestHigh + step;
        if (high is >= 0 and <= uint.MaxValue)
        {
            sequenceHigh = (uint)high;
            return true;
        }

        // Beyond an end of the 64-bit space. Only an SA without anti-replay accepts everything; it keeps the
        // subspace it is in, the nearest one that exists.
        sequenceHigh = Size == 0 ? highestHigh : 0;
        return Size == 0;
    }
}

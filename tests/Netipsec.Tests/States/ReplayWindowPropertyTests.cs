using System.Globalization;
using System.Text;
using CsCheck;
using Netipsec.States;

namespace Netipsec.Tests.States;

/// <summary>
/// Drives <see cref="ReplayWindow"/> and a slow reference model (a set of every authenticated number, and the
/// inference written as "the one number with this low half in [B, B + 2^32)") with the same random traffic, and
/// requires the same verdict, high half and highest number at every step (wireguard-go's SlowRouter pattern).
/// </summary>
public sealed class ReplayWindowPropertyTests
{
    private static readonly int[] Sizes = [0, 1, 2, 31, 32, 63, 64, 65, 100, 128, 1024, 4096];

    private const ulong Subspace = 1UL << 32;

    private enum Step : byte
    {
        Verified, // Check, then Advance if accepted and the sender's high half was inferred: a genuine packet
        Forged,   // Check only: the ICV failed, nothing may change
        Raced,    // Advance without a fresh Check: a duplicate or a number that went old while being verified
    }

    private readonly record struct Operation(Step Step, long Delta);

    private sealed record Scenario(int Size, bool Esn, ulong Start, Operation[] Operations)
    {
        public override string ToString()
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"size {Size}, esn {Esn}, start {Start}:");
            foreach (Operation operation in Operations)
            {
                text.Append(CultureInfo.InvariantCulture, $" {operation.Step}{operation.Delta:+#;-#;+0}");
            }

            return text.ToString();
        }
    }

    private static Gen<long> Deltas(int size)
    {
        long span = size == 0 ? 64 : size;
        long[] edges = [-(span - 1), -span, -(span + 1), (long)Subspace - span, (long)Subspace - span + 1, (long)Subspace - span - 1];
        return Gen.Frequency(
            (6, Gen.Long[1, 3]), // in order, with small gaps
            (2, Gen.OneOf(edges)), // exactly at the window's bottom, and where the inference switches subspace
            (6, Gen.Long[-2 * span - 8, 2 * span + 8]), // reordering around the window's edges
            (1, Gen.Long[(long)Subspace - 2 * span, (long)Subspace + 2 * span]), // about one subspace ahead
            (1, Gen.Long[-(long)Subspace - 2 * span, -(long)Subspace + 2 * span]), // about one subspace behind
            (1, Gen.Long[-(2L << 32), 2L << 32])); // anywhere nearby
    }

    private static Gen<ulong> Starts(bool esn)
    {
        Gen<ulong> near32 = Gen.ULong[0, 5000].Select(back => Subspace - back);
        if (!esn)
        {
            return Gen.OneOf(Gen.Const(0UL), near32, Gen.UInt.Select(value => (ulong)value));
        }

        return Gen.OneOf(
            Gen.Const(0UL),
            near32,
            Gen.Select(Gen.ULong[2, 3], Gen.ULong[0, 5000], (subspaces, back) => subspaces * Subspace - back),
            Gen.ULong[0, 5000].Select(back => ulong.MaxValue - back),
            Gen.ULong);
    }

    private static readonly Gen<Scenario> Scenarios =
        from size in Gen.OneOf(Sizes)
        from esn in Gen.Bool
        from start in Starts(esn)
        from operations in Gen.Select(
            Gen.Frequency((8, Gen.Const(Step.Verified)), (1, Gen.Const(Step.Forged)), (1, Gen.Const(Step.Raced))),
            Deltas(size),
            (step, delta) => new Operation(step, delta)).Array[1, 200]
        select new Scenario(size, esn, start, operations);

    [Fact]
    public void WindowMatchesTheReferenceModel() =>
        Scenarios.Sample(Run, iter: 1500, print: scenario => scenario.ToString());

    private static void Run(Scenario scenario)
    {
        var window = new ReplayWindow(scenario.Size, scenario.Esn);
        var model = new ReferenceWindow(scenario.Size, scenario.Esn);
        ulong last = scenario.Esn ? ulong.MaxValue : uint.MaxValue;
        ulong start = Math.Min(scenario.Start, last);

        Assert.Equal(model.Advance(start), window.Advance((uint)start, (uint)(start >> 32)));
        Assert.Equal(model.Highest, window.Highest);

        foreach (Operation operation in scenario.Operations)
        {
            // The number the sender really used.
            ulong sent = (ulong)Int128.Clamp((Int128)model.Highest + operation.Delta, 0, last);
            uint low = (uint)sent;

            if (operation.Step == Step.Raced)
            {
                Assert.Equal(model.Advance(sent), window.Advance(low, (uint)(sent >> 32)));
            }
            else
            {
                (ReplayVerdict expected, uint expectedHigh) = model.Check(low);
                ReplayVerdict verdict = window.Check(low, out uint high);
                Assert.Equal(expected, verdict);
                Assert.Equal(expectedHigh, high);

                // Only a packet whose high half was inferred right would pass its ICV.
                bool icvPasses = ((ulong)high << 32 | low) == sent;
                if (operation.Step == Step.Verified && verdict == ReplayVerdict.Accepted && icvPasses)
                {
                    Assert.Equal(model.Advance(sent), window.Advance(low, high));
                }
            }

            Assert.Equal(model.Highest, window.Highest);
        }

        var bitmap = new ulong[window.BitmapLength];
        Assert.True(window.TryCopyBitmap(bitmap, out _));
        Assert.Equal(model.Bitmap(), bitmap);
    }

    /// <summary>The naive window: every authenticated number in a set.</summary>
    private sealed class ReferenceWindow(int size, bool esn)
    {
        private readonly HashSet<ulong> _seen = [];

        public ulong Highest { get; private set; }

        public (ReplayVerdict Verdict, uint High) Check(uint low)
        {
            if (!esn)
            {
                return (Classify(low), 0);
            }

            // RFC 4303 Appendix A2: the window's bottom B = T − W + 1 fixes the 2^32 numbers a packet can be.
            Int128 window = size == 0 ? 1L << 31 : size;
            Int128 bottom = (Int128)Highest - window + 1;
            Int128 candidate = bottom + Modulo(low - bottom, Subspace);
            if (candidate < 0 || candidate > ulong.MaxValue)
            {
                if (size != 0)
                {
                    return (ReplayVerdict.Invalid, 0);
                }

                candidate += candidate < 0 ? Subspace : -(Int128)Subspace;
            }

            ulong sequence = (ulong)candidate;
            return (Classify(sequence), (uint)(sequence >> 32));
        }

        public ReplayVerdict Advance(ulong sequence)
        {
            ReplayVerdict verdict = Classify(sequence);
            if (verdict == ReplayVerdict.Accepted)
            {
                _seen.Add(sequence);
                Highest = Math.Max(Highest, sequence);
            }

            return verdict;
        }

        public ulong[] Bitmap()
        {
            var bitmap = new ulong[(size + 63) / 64];
            for (int offset = 0; offset < size && (ulong)offset < Highest; offset++)
            {
                if (_seen.Contains(Highest - (ulong)offset))
                {
                    bitmap[offset / 64] |= 1UL << (offset % 64);
                }
            }

            return bitmap;
        }

        private ReplayVerdict Classify(ulong sequence)
        {
            if (size == 0)
            {
                return ReplayVerdict.Accepted;
            }

            if (sequence == 0)
            {
                return ReplayVerdict.Invalid;
            }

            if (sequence > Highest)
            {
                return ReplayVerdict.Accepted;
            }

            if (Highest - sequence >= (ulong)size)
            {
                return ReplayVerdict.TooOld;
            }

            return _seen.Contains(sequence) ? ReplayVerdict.Replayed : ReplayVerdict.Accepted;
        }

        private static Int128 Modulo(Int128 value, Int128 modulus)
        {
            Int128 remainder = value % modulus;
            return remainder < 0 ? remainder + modulus : remainder;
        }
    }
}

using Netipsec.States;

namespace Netipsec.Tests.States;

public sealed class ReplayWindowTests
{
    private const ulong Subspace = 1UL << 32;

    // Authenticates the 64-bit number as the SA would after a verified ICV.
    private static ReplayVerdict AdvanceTo(ReplayWindow window, ulong sequence) =>
        window.Advance((uint)sequence, (uint)(sequence >> 32));

    private static ReplayVerdict Check(ReplayWindow window, uint low) => window.Check(low, out _);

    private static ulong[] Bitmap(ReplayWindow window)
    {
        var bitmap = new ulong[window.BitmapLength];
        Assert.True(window.TryCopyBitmap(bitmap, out int written));
        Assert.Equal(bitmap.Length, written);
        return bitmap;
    }

    // ---- construction ----

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(64, 1)]
    [InlineData(65, 2)]
    [InlineData(4096, 64)]
    [InlineData(ReplayWindow.MaxSize, ReplayWindow.MaxSize / 64)]
    public void ConstructorReportsTheConfiguredSize(int size, int bitmapWords)
    {
        var window = new ReplayWindow(size, extendedSequenceNumbers: true);

        Assert.Equal(size, window.Size);
        Assert.True(window.ExtendedSequenceNumbers);
        Assert.Equal(0UL, window.Highest);
        Assert.Equal(bitmapWords, window.BitmapLength);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(ReplayWindow.MaxSize + 1)]
    public void ConstructorRejectsSizesOutOfRange(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayWindow(size, extendedSequenceNumbers: false));

    [Fact]
    public void MaxSizeIsAtLeast4096() => Assert.True(ReplayWindow.MaxSize >= 4096);

    // ---- basic rules, 32-bit sequence numbers ----

    [Fact]
    public void FirstPacketIsAcceptedAndBecomesHighest()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);

        Assert.Equal(ReplayVerdict.Accepted, window.Check(1, out uint high));
        Assert.Equal(0U, high);
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(1, 0));
        Assert.Equal(1UL, window.Highest);
    }

    [Fact]
    public void ZeroIsInvalidWithoutEsn()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);

        Assert.Equal(ReplayVerdict.Invalid, Check(window, 0));
        Assert.Equal(ReplayVerdict.Invalid, window.Advance(0, 0));
        AdvanceTo(window, 10);
        Assert.Equal(ReplayVerdict.Invalid, Check(window, 0));
        Assert.Equal(10UL, window.Highest);
    }

    [Fact]
    public void HighHalfIsInvalidWithoutEsn()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);

        Assert.Equal(ReplayVerdict.Invalid, window.Advance(5, 1));
        Assert.Equal(0UL, window.Highest);
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 5));
    }

    [Fact]
    public void InOrderPacketsAreAllAccepted()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);

        for (uint sequence = 1; sequence <= 1000; sequence++)
        {
            Assert.Equal(ReplayVerdict.Accepted, Check(window, sequence));
            Assert.Equal(ReplayVerdict.Accepted, window.Advance(sequence, 0));
            Assert.Equal(sequence, window.Highest);
        }
    }

    [Fact]
    public void OutOfOrderInsideTheWindowIsAcceptedOnce()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        AdvanceTo(window, 100);

        Assert.Equal(ReplayVerdict.Accepted, Check(window, 50));
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(50, 0));
        Assert.Equal(100UL, window.Highest);
        Assert.Equal(ReplayVerdict.Replayed, Check(window, 50));
        Assert.Equal(ReplayVerdict.Replayed, window.Advance(50, 0));
    }

    [Fact]
    public void HighestItselfIsADuplicate()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        AdvanceTo(window, 7);

        Assert.Equal(ReplayVerdict.Replayed, Check(window, 7));
        Assert.Equal(ReplayVerdict.Replayed, window.Advance(7, 0));
    }

    [Fact]
    public void LeftEdgeIsInsideAndOneFurtherIsTooOld()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        AdvanceTo(window, 100);

        Assert.Equal(ReplayVerdict.Accepted, Check(window, 37)); // 100 − 63
        Assert.Equal(ReplayVerdict.TooOld, Check(window, 36)); // 100 − 64
        Assert.Equal(ReplayVerdict.TooOld, window.Advance(36, 0));
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(37, 0));
    }

    [Fact]
    public void SlidingByExactlyTheSizeForgetsTheOldWindow()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        for (ulong sequence = 1; sequence <= 64; sequence++)
        {
            AdvanceTo(window, sequence);
        }

        Assert.Equal(ReplayVerdict.Accepted, AdvanceTo(window, 128));

        Assert.Equal(ReplayVerdict.TooOld, Check(window, 64));
        for (uint sequence = 65; sequence < 128; sequence++)
        {
            Assert.Equal(ReplayVerdict.Accepted, Check(window, sequence));
        }

        Assert.Equal(ReplayVerdict.Replayed, Check(window, 128));
    }

    [Fact]
    public void SlidingByMoreThanTheSizeClearsEveryBlock()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        for (ulong sequence = 1; sequence <= 200; sequence++)
        {
            AdvanceTo(window, sequence);
        }

        Assert.Equal(ReplayVerdict.Accepted, AdvanceTo(window, 200 + 1000));

        for (uint sequence = 1200 - 63; sequence < 1200; sequence++)
        {
            Assert.Equal(ReplayVerdict.Accepted, Check(window, sequence));
        }

        Assert.Equal(ReplayVerdict.TooOld, Check(window, 1200 - 64));
        Assert.Equal(ReplayVerdict.TooOld, Check(window, 200));
    }

    [Fact]
    public void SlidingLessThanTheSizeKeepsWhatStaysInside()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        AdvanceTo(window, 60);
        AdvanceTo(window, 62);

        Assert.Equal(ReplayVerdict.Accepted, AdvanceTo(window, 100));

        Assert.Equal(ReplayVerdict.Replayed, Check(window, 60));
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 61));
        Assert.Equal(ReplayVerdict.Replayed, Check(window, 62));
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 99));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1024)]
    [InlineData(4096)]
    [InlineData(ReplayWindow.MaxSize)]
    public void WindowOfAnySizeHasExactEdges(int size)
    {
        var window = new ReplayWindow(size, extendedSequenceNumbers: false);
        ulong start = 3 * (ulong)size + 5;
        for (ulong sequence = 1; sequence <= start; sequence++)
        {
            Assert.Equal(ReplayVerdict.Accepted, AdvanceTo(window, sequence));
        }

        Assert.Equal(ReplayVerdict.Replayed, Check(window, (uint)start));
        Assert.Equal(ReplayVerdict.Replayed, Check(window, (uint)(start - (ulong)size + 1)));
        Assert.Equal(ReplayVerdict.TooOld, Check(window, (uint)(start - (ulong)size)));

        // Jump ahead by the size, then fill the gap backwards: every number in it is new exactly once.
        ulong top = start + (ulong)size;
        Assert.Equal(ReplayVerdict.Accepted, AdvanceTo(window, top));
        for (ulong sequence = top - 1; sequence > start; sequence--)
        {
            Assert.Equal(ReplayVerdict.Accepted, Check(window, (uint)sequence));
            Assert.Equal(ReplayVerdict.Accepted, AdvanceTo(window, sequence));
            Assert.Equal(ReplayVerdict.Replayed, Check(window, (uint)sequence));
        }

        Assert.Equal(top, window.Highest);
        Assert.Equal(ReplayVerdict.TooOld, Check(window, (uint)start));
    }

    // ---- two phases ----

    [Fact]
    public void CheckChangesNothing()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        AdvanceTo(window, 100);
        AdvanceTo(window, 90);
        ulong[] before = Bitmap(window);

        Assert.Equal(ReplayVerdict.Accepted, Check(window, 1_000_000)); // forged far-future number
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 95));
        Assert.Equal(ReplayVerdict.Replayed, Check(window, 90));
        Assert.Equal(ReplayVerdict.TooOld, Check(window, 10));

        Assert.Equal(100UL, window.Highest);
        Assert.Equal(before, Bitmap(window));
        // A forged packet that failed its ICV was never advanced: the same number is still new and the window did
        // not slide towards the forged one.
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 95));
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 40));
    }

    [Fact]
    public void AdvanceRechecksADuplicateThatRacedPastCheck()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        AdvanceTo(window, 100);

        Assert.Equal(ReplayVerdict.Accepted, Check(window, 80)); // first copy
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 80)); // second copy, before the first was verified
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(80, 0));
        Assert.Equal(ReplayVerdict.Replayed, window.Advance(80, 0));
    }

    [Fact]
    public void AdvanceRechecksANumberPushedOutMeanwhile()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        AdvanceTo(window, 100);
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 80));

        AdvanceTo(window, 1000);

        Assert.Equal(ReplayVerdict.TooOld, window.Advance(80, 0));
        Assert.Equal(1000UL, window.Highest);
    }

    [Fact]
    public void AdvanceOfAnOlderNumberKeepsHighest()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: false);
        AdvanceTo(window, 100);

        Assert.Equal(ReplayVerdict.Accepted, window.Advance(99, 0));
        Assert.Equal(100UL, window.Highest);
    }

    // ---- anti-replay disabled ----

    [Fact]
    public void DisabledWindowAcceptsEverythingAndTracksHighest()
    {
        var window = new ReplayWindow(0, extendedSequenceNumbers: false);

        Assert.Equal(ReplayVerdict.Accepted, Check(window, 0));
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(10, 0));
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(10, 0));
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 10));
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(3, 0));
        Assert.Equal(10UL, window.Highest);
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(uint.MaxValue, 0));
        Assert.Equal(ReplayVerdict.Accepted, Check(window, 1));
        Assert.Equal(uint.MaxValue, window.Highest);
        Assert.True(window.TryCopyBitmap([], out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void DisabledWindowStillInfersTheHighHalf()
    {
        var window = new ReplayWindow(0, extendedSequenceNumbers: true);
        AdvanceTo(window, Subspace - 16);

        Assert.Equal(ReplayVerdict.Accepted, window.Check(5, out uint high));
        Assert.Equal(1U, high);
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(5, 1));
        Assert.Equal(Subspace + 5, window.Highest);

        // Far behind, but within half the subspace: the nearest number is in the old subspace.
        Assert.Equal(ReplayVerdict.Accepted, window.Check(0x9000_0000, out high));
        Assert.Equal(0U, high);
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(0x9000_0000, 0));
        Assert.Equal(Subspace + 5, window.Highest);
    }

    // ---- ESN inference, RFC 4303 Appendix A2.2 ----

    public static TheoryData<string, int, ulong, uint, uint, ReplayVerdict> EsnInferenceCases => new()
    {
        // Case A (Tl >= W − 1): T = 1:0x100, W = 64, Bl = 0xC1.
        { "A: highest itself", 64, Subspace + 0x100, 0x100, 1, ReplayVerdict.Replayed },
        { "A: bottom of the window", 64, Subspace + 0x100, 0xC1, 1, ReplayVerdict.Accepted },
        { "A: below the bottom means the next subspace", 64, Subspace + 0x100, 0xC0, 2, ReplayVerdict.Accepted },
        { "A: low 0 below the bottom is the next subspace", 64, Subspace + 0x100, 0, 2, ReplayVerdict.Accepted },
        { "A: ahead in the same subspace", 64, Subspace + 0x100, 0x200, 1, ReplayVerdict.Accepted },
        { "A: last of the same subspace", 64, Subspace + 0x100, uint.MaxValue, 1, ReplayVerdict.Accepted },
        // Case A exactly at Tl = W − 1: Bl = 0, so every low number is in subspace Th.
        { "A edge: low 0 is the window's bottom", 64, Subspace + 63, 0, 1, ReplayVerdict.Accepted },
        { "A edge: top of the subspace is ahead", 64, Subspace + 63, uint.MaxValue, 1, ReplayVerdict.Accepted },
        // Case B (Tl < W − 1): T = 2:0x10, W = 64, the window spans 1:0xFFFFFFD1 .. 2:0x10.
        { "B: bottom of the window in the previous subspace", 64, 2 * Subspace + 0x10, 0xFFFF_FFD1, 1, ReplayVerdict.Accepted },
        { "B: top of the previous subspace", 64, 2 * Subspace + 0x10, uint.MaxValue, 1, ReplayVerdict.Accepted },
        { "B: just below the bottom is far ahead", 64, 2 * Subspace + 0x10, 0xFFFF_FFD0, 2, ReplayVerdict.Accepted },
        { "B: low 0 of the current subspace", 64, 2 * Subspace + 0x10, 0, 2, ReplayVerdict.Accepted },
        { "B: highest itself", 64, 2 * Subspace + 0x10, 0x10, 2, ReplayVerdict.Replayed },
        { "B: just ahead", 64, 2 * Subspace + 0x10, 0x11, 2, ReplayVerdict.Accepted },
        // Ends of the 64-bit space.
        { "fresh SA: 1", 64, 0, 1, 0, ReplayVerdict.Accepted },
        { "fresh SA: 0 is never sent", 64, 0, 0, 0, ReplayVerdict.Invalid },
        { "B with Th = 0: would be before 1", 64, 5, 0xFFFF_FFF0, 0, ReplayVerdict.Invalid },
        { "W1 fresh SA: Case A from the start, any low is ahead", 1, 0, 0xFFFF_FFFF, 0, ReplayVerdict.Accepted },
        { "A with Th max: would be past 2^64 − 1", 64, ulong.MaxValue - 10, 0, 0, ReplayVerdict.Invalid },
        { "A with Th max: last number", 64, ulong.MaxValue - 10, uint.MaxValue, uint.MaxValue, ReplayVerdict.Accepted },
        // Window 1: Bl = Tl, anything below Tl is the next subspace.
        { "W1: highest itself", 1, Subspace + 9, 9, 1, ReplayVerdict.Replayed },
        { "W1: one below is the next subspace", 1, Subspace + 9, 8, 2, ReplayVerdict.Accepted },
        // Anti-replay disabled: inferred around the nearest number, clamped to the 64-bit space.
        { "W0: before 1 keeps subspace 0", 0, 5, 0xFFFF_FFF0, 0, ReplayVerdict.Accepted },
        { "W0: past 2^64 − 1 keeps the last subspace", 0, ulong.MaxValue - 10, 0, uint.MaxValue, ReplayVerdict.Accepted },
        { "W0: half a subspace ahead", 0, Subspace + 5, 0x8000_0005, 1, ReplayVerdict.Accepted },
        { "W0: more than half a subspace behind is ahead", 0, 2 * Subspace + 0x8000_0010, 0x10, 3, ReplayVerdict.Accepted },
    };

    [Theory]
    [MemberData(nameof(EsnInferenceCases))]
    public void EsnInfersTheHighHalf(string description, int size, ulong highest, uint low, uint expectedHigh, ReplayVerdict expected)
    {
        var window = new ReplayWindow(size, extendedSequenceNumbers: true);
        if (highest != 0)
        {
            Assert.Equal(ReplayVerdict.Accepted, AdvanceTo(window, highest));
        }

        ReplayVerdict verdict = window.Check(low, out uint high);

        Assert.True(expected == verdict, $"{description}: verdict {verdict}, expected {expected}");
        Assert.True(expectedHigh == high, $"{description}: high {high}, expected {expectedHigh}");
        Assert.Equal(highest, window.Highest);
    }

    [Fact]
    public void EsnCrossingASubspaceBoundaryKeepsTheWindowAcrossIt()
    {
        var window = new ReplayWindow(64, extendedSequenceNumbers: true);
        AdvanceTo(window, Subspace - 16); // 0:0xFFFFFFF0
        AdvanceTo(window, Subspace - 20);

        Assert.Equal(ReplayVerdict.Accepted, window.Check(5, out uint high));
        Assert.Equal(1U, high);
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(5, high));
        Assert.Equal(Subspace + 5, window.Highest);

        // Now Case B: T = 1:5, Bl = 0xFFFFFFC6.
        Assert.Equal(ReplayVerdict.Replayed, window.Check(0xFFFF_FFF0, out high));
        Assert.Equal(0U, high);
        Assert.Equal(ReplayVerdict.Replayed, window.Check(0xFFFF_FFEC, out _));
        Assert.Equal(ReplayVerdict.Accepted, window.Check(0xFFFF_FFF1, out high));
        Assert.Equal(0U, high);
        Assert.Equal(ReplayVerdict.Accepted, window.Check(0xFFFF_FFC6, out high));
        Assert.Equal(0U, high);
        Assert.Equal(ReplayVerdict.Accepted, window.Check(0xFFFF_FFC5, out high));
        Assert.Equal(1U, high); // left of the window: taken as the next subspace, whose ICV will fail
        Assert.Equal(ReplayVerdict.Accepted, window.Check(0, out high));
        Assert.Equal(1U, high);
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(0, 1));
        Assert.Equal(ReplayVerdict.Replayed, window.Check(0, out _));

        Assert.Equal(ReplayVerdict.Accepted, window.Advance(0xFFFF_FFF1, 0));
        Assert.Equal(ReplayVerdict.Replayed, window.Check(0xFFFF_FFF1, out _));
        Assert.Equal(Subspace + 5, window.Highest);
    }

    [Fact]
    public void EsnAdvanceAcceptsAResynchronisedHighHalf()
    {
        // RFC 4303 Appendix A3: after losing 2^32 packets the transform finds the high half by retrying the ICV.
        var window = new ReplayWindow(64, extendedSequenceNumbers: true);
        AdvanceTo(window, Subspace + 100);

        Assert.Equal(ReplayVerdict.Accepted, window.Check(300, out uint inferred));
        Assert.Equal(1U, inferred);
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(300, 3));

        Assert.Equal(3 * Subspace + 300, window.Highest);
        Assert.Equal(ReplayVerdict.TooOld, window.Advance(100, 1));
        Assert.Equal(ReplayVerdict.Accepted, window.Check(299, out uint high));
        Assert.Equal(3U, high);
    }

    [Fact]
    public void EsnZeroLowHalfIsValidAfterTheFirstSubspace()
    {
        var window = new ReplayWindow(32, extendedSequenceNumbers: true);
        AdvanceTo(window, Subspace - 1);

        Assert.Equal(ReplayVerdict.Accepted, window.Check(0, out uint high));
        Assert.Equal(1U, high);
        Assert.Equal(ReplayVerdict.Accepted, window.Advance(0, 1));
        Assert.Equal(ReplayVerdict.Replayed, window.Check(0, out _));
        Assert.Equal(Subspace, window.Highest);
    }

    // ---- bitmap export ----

    [Fact]
    public void BitmapMarksSeenNumbersCountingBackFromHighest()
    {
        var window = new ReplayWindow(70, extendedSequenceNumbers: false);
        foreach (ulong sequence in new ulong[] { 1, 2, 3, 10, 70 })
        {
            AdvanceTo(window, sequence);
        }

        ulong[] bitmap = Bitmap(window);

        Assert.Equal(2, bitmap.Length);
        Assert.Equal((1UL << 0) | (1UL << 60), bitmap[0]); // 70, 10
        Assert.Equal((1UL << 3) | (1UL << 4) | (1UL << 5), bitmap[1]); // 3, 2, 1 at offsets 67, 68, 69
    }

    [Fact]
    public void BitmapStopsAtTheWindowSize()
    {
        var window = new ReplayWindow(3, extendedSequenceNumbers: false);
        for (ulong sequence = 1; sequence <= 10; sequence++)
        {
            AdvanceTo(window, sequence);
        }

        Assert.Equal(0b111UL, Bitmap(window)[0]);
    }

    [Fact]
    public void BitmapCopyFailsWhenTheDestinationIsShort()
    {
        var window = new ReplayWindow(65, extendedSequenceNumbers: false);
        AdvanceTo(window, 5);
        var destination = new ulong[] { 42 };

        Assert.False(window.TryCopyBitmap(destination, out int written));
        Assert.Equal(0, written);
        Assert.Equal(42UL, destination[0]);
    }

    // ---- known-answer sequences (after wireguard-go's replay_test table) ----

    // Each step is "low:verdict" (A accepted, R replayed, O too old, I invalid, and with ESN "low:verdict:high");
    // an accepted step is then advanced, as if its ICV verified.
    [Theory]
    [InlineData("in order", 64, false, "1:A 2:A 3:A 4:A 5:A 5:R 4:R 1:R")]
    [InlineData("zero and duplicates", 64, false, "0:I 1:A 1:R 0:I 2:A 2:R")]
    [InlineData("reorder inside the window", 64, false, "10:A 9:A 8:A 1:A 11:A 1:R 10:R 12:A 7:A 12:R")]
    [InlineData("left edge of 64", 64, false, "64:A 1:A 65:A 1:O 2:A 2:R 128:A 65:R 66:A 64:O 127:A")]
    [InlineData("big jump", 64, false, "1:A 2:A 100000:A 99937:A 99936:O 2:O 99999:A 100000:R 100001:A")]
    [InlineData("window 1", 1, false, "1:A 1:R 3:A 2:O 3:R 4:A 3:O")]
    [InlineData("window 65 spans blocks", 65, false, "65:A 1:A 1:R 66:A 2:A 1:O 130:A 66:R 67:A 65:O 130:R")]
    [InlineData("top of the 32-bit space", 64, false, "4294967295:A 4294967232:A 4294967231:O 4294967295:R")]
    [InlineData("window 32", 32, false, "40:A 9:A 8:O 41:A 9:O 10:A 10:R")]
    [InlineData("disabled", 0, false, "0:A 5:A 5:A 1:A 4294967295:A 1:A")]
    [InlineData("esn across 2^32", 64, true, "4294967000:A:0 4294967290:A:0 5:A:1 4294967291:A:0 4294967290:R:0 4294967295:A:0 5:R:1 0:A:1 0:R:1")]
    [InlineData("esn fresh SA", 64, true, "0:I:0 4294967295:I:0 1:A:0 1:R:0 62:A:0 0:I:0 4294967295:I:0 63:A:0 0:I:0 64:A:0 0:A:1")]
    [InlineData("esn case B boundary", 16, true, "4294967000:A:0 4294967295:A:0 3:A:1 4294967284:A:0 4294967284:R:0 4294967283:A:1 4294967284:A:1 4294967283:R:1")]
    public void KnownAnswerSequence(string description, int size, bool esn, string steps)
    {
        var window = new ReplayWindow(size, esn);
        int index = 0;
        foreach (string step in steps.Split(' '))
        {
            string[] parts = step.Split(':');
            uint low = uint.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            ReplayVerdict expected = parts[1] switch
            {
                "A" => ReplayVerdict.Accepted,
                "R" => ReplayVerdict.Replayed,
                "O" => ReplayVerdict.TooOld,
                _ => ReplayVerdict.Invalid,
            };

            ReplayVerdict verdict = window.Check(low, out uint high);

            Assert.True(expected == verdict, $"{description}, step {index} ({step}): got {verdict}");
            if (esn)
            {
                uint expectedHigh = uint.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(expectedHigh == high, $"{description}, step {index} ({step}): high {high}");
            }

            if (verdict == ReplayVerdict.Accepted)
            {
                Assert.Equal(ReplayVerdict.Accepted, window.Advance(low, high));
            }

            index++;
        }
    }
}

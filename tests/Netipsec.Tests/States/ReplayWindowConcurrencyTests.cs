using Netipsec.States;

namespace Netipsec.Tests.States;

/// <summary>
/// <see cref="ReplayWindow.Check"/> runs without exclusive access while another thread advances the window (as the input
/// path does): it may accept a number that is refused later, but it must never refuse a number the window would
/// still accept, so a refusal stands for every later state.
/// </summary>
public sealed class ReplayWindowConcurrencyTests
{
    [Theory]
    [InlineData(64, false, 0UL)]
    [InlineData(100, false, 0UL)]
    [InlineData(1024, false, 0UL)]
    [InlineData(128, true, (1UL << 32) - 100_000)] // the writer crosses into the next ESN subspace
    public void LockFreeCheckNeverRefusesAnUnseenNumberTheWindowStillHolds(int size, bool esn, ulong start)
    {
        var window = new ReplayWindow(size, esn);
        const ulong Advances = 300_000; // the ring of blocks wraps thousands of times
        int refusedAdvances = 0;
        var writer = new Thread(() =>
        {
            // Multiples of 3 are never seen. The ring's length is a power of two, so the slot of an unseen number
            // held a seen one in an earlier lap: a check that read a slot before its clearing would say "replayed".
            for (ulong n = start + 1; n <= start + Advances; n++)
            {
                if (n % 3 != 0 && window.Advance((uint)n, (uint)(n >> 32)) != ReplayVerdict.Accepted)
                {
                    refusedAdvances++;
                }
            }
        });
        writer.Start();

        var random = new Random(size);
        int checks = 0;
        while (writer.IsAlive || checks < 1000)
        {
            ulong before = window.Highest;
            long offset = random.Next(-size, 8);
            ulong near = (ulong)Math.Max(3, (long)before + offset);
            ulong candidate = near - (near % 3);
            ReplayVerdict verdict = window.Check((uint)candidate, out _);
            ulong after = window.Highest;
            Assert.True(
                verdict == ReplayVerdict.Accepted || (verdict is ReplayVerdict.Replayed or ReplayVerdict.TooOld && after - candidate >= (ulong)size),
                $"unseen {candidate} was {verdict} with highest {before}..{after}");
            checks++;
        }

        writer.Join();
        Assert.Equal(0, refusedAdvances);
        Assert.Equal(start + Advances - ((start + Advances) % 3 == 0 ? 1UL : 0UL), window.Highest);
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(1024, true)]
    public void Racing_exclusive_advances_accept_every_number_exactly_once(int size, bool esn)
    {
        const int Threads = 4;
        const uint Numbers = 50_000;
        var window = new ReplayWindow(size, esn);
        int[] acceptedBy = new int[Numbers + 1];
        var start = new Barrier(Threads);

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            start.SignalAndWait();
            // Every thread offers every number in order, as duplicates racing through several receive queues would.
            for (uint n = 1; n <= Numbers; n++)
            {
                if (window.AdvanceExclusively(n, 0) == ReplayVerdict.Accepted)
                {
                    Interlocked.Increment(ref acceptedBy[n]);
                }
            }
        });

        Assert.All(acceptedBy.AsSpan(1).ToArray(), count => Assert.Equal(1, count));
        Assert.Equal(Numbers, window.Highest);
    }
}

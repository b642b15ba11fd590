using Netipsec.Common;
using Netipsec.States;

namespace Netipsec.Tests.Common;

public sealed class EnumCountersTests
{
    [Fact]
    public void Each_counter_counts_on_its_own()
    {
        var counters = new EnumCounters<SaCounter>();

        counters.Increment(SaCounter.Replay);
        counters.Increment(SaCounter.Replay);
        counters.Add(SaCounter.EncapsulationMismatches, 5);

        Assert.Equal(
            [0L, 2L, 0L, 5L],
            [counters[SaCounter.ReplayWindow], counters[SaCounter.Replay], counters[SaCounter.IntegrityFailures], counters[SaCounter.EncapsulationMismatches]]);
    }

    [Fact]
    public void Increments_from_many_threads_are_all_counted()
    {
        var counters = new EnumCounters<SaCounter>();

        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                counters.Increment(SaCounter.IntegrityFailures);
            }
        });

        Assert.Equal(400_000, counters[SaCounter.IntegrityFailures]);
    }
}

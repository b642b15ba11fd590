using Netipsec.States;

namespace Netipsec.Tests.States;

public sealed class SequenceCounterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StartsAtZeroAndCountsFromOne(bool esn)
    {
        var counter = new SequenceCounter(esn);

        Assert.Equal(0UL, counter.Current);
        Assert.False(counter.IsExhausted);
        Assert.Equal(esn, counter.ExtendedSequenceNumbers);
        Assert.False(counter.AllowCycling);
        for (ulong expected = 1; expected <= 5; expected++)
        {
            Assert.True(counter.TryNext(out ulong sequence));
            Assert.Equal(expected, sequence);
            Assert.Equal(expected, counter.Current);
        }
    }

    [Fact]
    public void StopsAfterTheLast32BitNumber()
    {
        var counter = new SequenceCounter(extendedSequenceNumbers: false, initial: uint.MaxValue - 1);

        Assert.True(counter.TryNext(out ulong last));
        Assert.Equal(uint.MaxValue, last);
        Assert.True(counter.IsExhausted);

        for (int attempt = 0; attempt < 3; attempt++)
        {
            Assert.False(counter.TryNext(out ulong sequence));
            Assert.Equal(0UL, sequence);
        }

        Assert.Equal(uint.MaxValue, counter.Current);
        Assert.True(counter.IsExhausted);
    }

    [Fact]
    public void EsnGoesPast2ToThe32()
    {
        var counter = new SequenceCounter(extendedSequenceNumbers: true, initial: uint.MaxValue);

        Assert.False(counter.IsExhausted);
        Assert.True(counter.TryNext(out ulong sequence));
        Assert.Equal(1UL << 32, sequence);
    }

    [Fact]
    public void EsnStopsAfterTheLast64BitNumber()
    {
        var counter = new SequenceCounter(extendedSequenceNumbers: true, initial: ulong.MaxValue - 1);

        Assert.True(counter.TryNext(out ulong last));
        Assert.Equal(ulong.MaxValue, last);
        Assert.True(counter.IsExhausted);
        Assert.False(counter.TryNext(out _));
        Assert.False(counter.TryNext(out _));
        Assert.Equal(ulong.MaxValue, counter.Current);
    }

    [Theory]
    [InlineData(false, uint.MaxValue)]
    [InlineData(true, ulong.MaxValue)]
    public void CyclingRollsOverToZero(bool esn, ulong last)
    {
        // RFC 4303 §3.3.3: with anti-replay disabled the counter rolls over back to zero.
        var counter = new SequenceCounter(esn, allowCycling: true, initial: last - 1);

        Assert.True(counter.AllowCycling);
        Assert.True(counter.TryNext(out ulong sequence));
        Assert.Equal(last, sequence);
        Assert.False(counter.IsExhausted);
        Assert.True(counter.TryNext(out sequence));
        Assert.Equal(0UL, sequence);
        Assert.True(counter.TryNext(out sequence));
        Assert.Equal(1UL, sequence);
        Assert.Equal(1UL, counter.Current);
    }

    [Fact]
    public void InitialValueIsTheLastOneUsed()
    {
        var counter = new SequenceCounter(extendedSequenceNumbers: false, initial: 41);

        Assert.Equal(41UL, counter.Current);
        Assert.True(counter.TryNext(out ulong sequence));
        Assert.Equal(42UL, sequence);
    }

    [Fact]
    public void InitialValueAtTheEndIsAlreadyExhausted()
    {
        var counter = new SequenceCounter(extendedSequenceNumbers: false, initial: uint.MaxValue);

        Assert.True(counter.IsExhausted);
        Assert.False(counter.TryNext(out _));
    }

    [Fact]
    public void InitialValueBeyond32BitsIsRejectedWithoutEsn() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceCounter(false, initial: (ulong)uint.MaxValue + 1));

    [Fact]
    public void ParallelCallersGetDistinctNumbersWithoutGaps()
    {
        const int Threads = 4;
        const int PerThread = 20_000;
        var counter = new SequenceCounter(extendedSequenceNumbers: false);
        var taken = new ulong[Threads][];

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            var mine = new ulong[PerThread];
            for (int i = 0; i < PerThread; i++)
            {
                Assert.True(counter.TryNext(out mine[i]));
            }

            taken[thread] = mine;
        });

        ulong[] all = taken.SelectMany(numbers => numbers).Order().ToArray();
        Assert.Equal(Threads * PerThread, all.Length);
        for (int i = 0; i < all.Length; i++)
        {
            Assert.Equal((ulong)i + 1, all[i]);
        }

        Assert.Equal((ulong)(Threads * PerThread), counter.Current);
    }

    [Fact]
    public void ParallelCallersNeverPassTheLastNumber()
    {
        const int Threads = 4;
        const int Available = 1000;
        var counter = new SequenceCounter(extendedSequenceNumbers: false, initial: uint.MaxValue - Available);
        int granted = 0;

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            for (int i = 0; i < Available; i++)
            {
                if (counter.TryNext(out ulong sequence))
                {
                    Assert.InRange(sequence, (ulong)uint.MaxValue - Available + 1, uint.MaxValue);
                    Interlocked.Increment(ref granted);
                }
            }
        });

        Assert.Equal(Available, granted);
        Assert.True(counter.IsExhausted);
        Assert.Equal(uint.MaxValue, counter.Current);
    }
}

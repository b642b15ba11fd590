using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

public sealed class PacketPoolTests
{
    [Fact]
    public void ThePoolIsBoundedByItsCapacity()
    {
        var pool = new PacketPool(capacity: 2, diagnostics: true);
        Packet first = pool.Rent();
        Packet second = pool.Rent();

        Assert.False(pool.TryRent(out Packet? third));
        Assert.Null(third);
        Assert.Throws<InvalidOperationException>(() => pool.Rent());
        Assert.Equal(2, pool.RentedCount);
        Assert.NotSame(first, second);

        pool.Return(first);
        Assert.True(pool.TryRent(out third));
        Assert.Same(first, third);
    }

    [Fact]
    public void ADoubleReturnIsDetectedAndSaysWhereTheFirstReturnWas()
    {
        var pool = new PacketPool(capacity: 2, diagnostics: true);
        Packet packet = pool.Rent();
        pool.Return(packet);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => pool.Return(packet));
        Assert.Contains("returned twice", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ADoubleReturnIsDetectedAndSaysWhereTheFirstReturnWas), error.Message, StringComparison.Ordinal);
        Assert.Equal(0, pool.RentedCount);
    }

    [Fact]
    public void ADoubleReturnIsDetectedWithoutDiagnosticsToo()
    {
        var pool = new PacketPool(capacity: 2, diagnostics: false);
        Packet packet = pool.Rent();
        pool.Return(packet);

        Assert.Throws<InvalidOperationException>(() => pool.Return(packet));
        Assert.Equal(0, pool.RentedCount);

        // The pool still holds the packet exactly once.
        Packet a = pool.Rent();
        Packet b = pool.Rent();
        Assert.NotSame(a, b);
    }

    [Fact]
    public void APacketOfAnotherPoolIsRefused()
    {
        var pool = new PacketPool(capacity: 1, diagnostics: true);
        var other = new PacketPool(capacity: 1, diagnostics: true);
        Packet foreign = other.Rent();

        Assert.Throws<ArgumentException>(() => pool.Return(foreign));
        Assert.Equal(1, other.RentedCount);
    }

    [Fact]
    public void LeaksAreCountedAndDescribedWithTheirRentSite()
    {
        var pool = new PacketPool(capacity: 4, diagnostics: true);
        Packet kept = pool.Rent();
        pool.Return(pool.Rent());
        kept.Put(12);

        IReadOnlyList<string> leaks = pool.DescribeLeaks();

        Assert.Equal(1, pool.RentedCount);
        string leak = Assert.Single(leaks);
        Assert.Contains("12 bytes", leak, StringComparison.Ordinal);
        Assert.Contains(nameof(LeaksAreCountedAndDescribedWithTheirRentSite), leak, StringComparison.Ordinal);

        pool.Return(kept);
        Assert.Empty(pool.DescribeLeaks());
    }

    [Fact]
    public void ADiagnosticPoolPoisonsReturnedBuffers()
    {
        var pool = new PacketPool(capacity: 1, bufferSize: 64, headroom: 0, diagnostics: true);
        Packet packet = pool.Rent();
        Span<byte> data = packet.Put(4);
        data.Fill(0x11);

        pool.Return(packet);

        Assert.Equal(new byte[] { 0xDD, 0xDD, 0xDD, 0xDD }, data.ToArray());
    }

    [Fact]
    public void SteadyStateRentAndReturnAllocateNothing()
    {
        var pool = new PacketPool(capacity: 4, diagnostics: false);
        for (int i = 0; i < 10; i++)
        {
            pool.Return(pool.Rent());
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Packet packet = pool.Rent();
            packet.Put(100);
            packet.Push(20);
            pool.Return(packet);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void ConcurrentRentersNeverShareAPacket()
    {
        var pool = new PacketPool(capacity: 16, diagnostics: false);
        int conflicts = 0;
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 2000; i++)
            {
                if (!pool.TryRent(out Packet? packet))
                {
                    continue;
                }

                packet.Mark = (uint)Environment.CurrentManagedThreadId;
                Thread.Yield();
                if (packet.Mark != (uint)Environment.CurrentManagedThreadId)
                {
                    Interlocked.Increment(ref conflicts);
                }

                pool.Return(packet);
            }
        });

        Assert.Equal(0, conflicts);
        Assert.Equal(0, pool.RentedCount);
    }

    [Fact]
    public void APacketRentedOnOneThreadCanBeReturnedOnAnother()
    {
        var pool = new PacketPool(capacity: 3, diagnostics: true);
        Packet[] rented = [];
        RunOnThread(() => rented = [pool.Rent(), pool.Rent(), pool.Rent()]);
        Assert.Equal(3, pool.RentedCount);

        RunOnThread(() =>
        {
            pool.Return(rented[0]);
            pool.Return(rented[2]);
        });

        Assert.Equal(1, pool.RentedCount);
        string leak = Assert.Single(pool.DescribeLeaks());
        Assert.StartsWith("packet 1 ", leak, StringComparison.Ordinal);

        // The packets given back on the second thread serve renters anywhere, and the capacity still holds.
        RunOnThread(() =>
        {
            Assert.True(pool.TryRent(out Packet? again));
            Assert.True(pool.TryRent(out Packet? andAgain));
            Assert.Equal(new HashSet<Packet> { rented[0], rented[2] }, new HashSet<Packet> { again, andAgain });
            Assert.False(pool.TryRent(out _));
        });
        Assert.Equal(3, pool.RentedCount);
    }

    [Fact]
    public void TheCapacityHoldsAcrossThreadsRentingAtOnce()
    {
        const int Capacity = 37;
        var pool = new PacketPool(capacity: Capacity, diagnostics: false);
        var held = new System.Collections.Concurrent.ConcurrentBag<Packet>();
        using var start = new Barrier(4);
        Thread[] renters = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            while (pool.TryRent(out Packet? packet))
            {
                held.Add(packet);
            }
        })).ToArray();
        Array.ForEach(renters, thread => thread.Start());
        Array.ForEach(renters, thread => thread.Join());

        Assert.Equal(Capacity, held.Count);
        Assert.Equal(Capacity, held.Distinct().Count());
        Assert.Equal(Capacity, pool.RentedCount);
        Assert.Equal(Capacity, pool.DescribeLeaks().Count);

        // Returned from other threads in parallel, they are all free again, each exactly once.
        Parallel.ForEach(held, pool.Return);
        Assert.Equal(0, pool.RentedCount);
        Assert.Empty(pool.DescribeLeaks());
        var again = new HashSet<Packet>();
        while (pool.TryRent(out Packet? packet))
        {
            Assert.True(again.Add(packet));
        }

        Assert.Equal(Capacity, again.Count);
    }

    [Fact]
    public void OfTwoThreadsReturningOnePacketExactlyOneSucceeds()
    {
        var pool = new PacketPool(capacity: 2, diagnostics: false);
        for (int round = 0; round < 200; round++)
        {
            Packet packet = pool.Rent();
            int failures = 0;
            using var start = new Barrier(2);
            Thread[] returners = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    pool.Return(packet);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref failures);
                }
            })).ToArray();
            Array.ForEach(returners, thread => thread.Start());
            Array.ForEach(returners, thread => thread.Join());

            Assert.Equal(1, failures);
            Assert.Equal(0, pool.RentedCount);
        }

        // The packet went back once: the pool still hands out two different packets and no third.
        Packet a = pool.Rent();
        Packet b = pool.Rent();
        Assert.NotSame(a, b);
        Assert.False(pool.TryRent(out _));
    }

    [Fact]
    public void HandingPacketsBetweenThreadsLosesAndDuplicatesNone()
    {
        var pool = new PacketPool(capacity: 8, diagnostics: false);
        var handOff = new System.Collections.Concurrent.BlockingCollection<Packet>(boundedCapacity: 4);
        int conflicts = 0;
        var producer = new Thread(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                if (pool.TryRent(out Packet? packet))
                {
                    packet.Put(4).Fill(0x5A);
                    handOff.Add(packet);
                }
            }

            handOff.CompleteAdding();
        });
        var consumer = new Thread(() =>
        {
            foreach (Packet packet in handOff.GetConsumingEnumerable())
            {
                if (packet.Length != 4 || packet.Data[3] != 0x5A)
                {
                    Interlocked.Increment(ref conflicts);
                }

                pool.Return(packet);
            }
        });
        producer.Start();
        consumer.Start();
        producer.Join();
        consumer.Join();

        Assert.Equal(0, conflicts);
        Assert.Equal(0, pool.RentedCount);
        Assert.Equal(8, Enumerable.Range(0, 8).Select(_ => pool.Rent()).Distinct().Count());
    }

    [Fact]
    public void ConstructorRejectsImpossibleSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketPool(capacity: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketPool(capacity: 1, bufferSize: 64, headroom: 65));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketPool(capacity: 1, bufferSize: PacketPool.MaxBufferSize + 1));
    }

    private static void RunOnThread(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("The action failed on its thread.", failure);
        }
    }
}

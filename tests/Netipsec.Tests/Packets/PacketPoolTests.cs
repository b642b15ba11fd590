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
    public void ConstructorRejectsImpossibleSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketPool(capacity: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketPool(capacity: 1, bufferSize: 64, headroom: 65));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketPool(capacity: 1, bufferSize: PacketPool.MaxBufferSize + 1));
    }
}

using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

public sealed class IndexStackTests
{
    [Fact]
    public void IndicesComeBackLastInFirstOut()
    {
        var stack = new IndexStack(capacity: 4);
        Assert.False(stack.TryPop(out _));

        stack.Push(2);
        stack.Push(0);
        stack.Push(3);

        Assert.True(stack.TryPop(out int first));
        Assert.True(stack.TryPop(out int second));
        stack.Push(1);
        Assert.True(stack.TryPop(out int third));
        Assert.True(stack.TryPop(out int fourth));
        Assert.False(stack.TryPop(out int none));
        Assert.Equal([3, 0, 1, 2], new[] { first, second, third, fourth });
        Assert.Equal(-1, none);
    }

    [Fact]
    public void ConcurrentPopsAndPushesKeepEveryIndexExactlyOnce()
    {
        const int Capacity = 6;
        var stack = new IndexStack(Capacity);
        for (int i = 0; i < Capacity; i++)
        {
            stack.Push(i);
        }

        // Each worker holds two indices and gives back the first while holding the second: exactly the sequence that, run
        // by one thread while another is between reading the head and swapping it, makes a pop without the version
        // install a held index as the new top (the ABA problem).
        int[] owners = new int[Capacity];
        int conflicts = 0;
        using var start = new Barrier(4);
        Thread[] workers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 2_000_000; i++)
            {
                if (!stack.TryPop(out int first))
                {
                    continue;
                }

                Claim(owners, first, ref conflicts);
                bool hasSecond = stack.TryPop(out int second);
                if (hasSecond)
                {
                    Claim(owners, second, ref conflicts);
                }

                Release(owners, first);
                stack.Push(first);
                if (hasSecond)
                {
                    Release(owners, second);
                    stack.Push(second);
                }
            }
        })).ToArray();
        Array.ForEach(workers, thread => thread.Start());
        Array.ForEach(workers, thread => thread.Join());

        Assert.Equal(0, conflicts);

        // Bounded, so a stack corrupted into a cycle fails instead of hanging.
        var left = new List<int>();
        for (int i = 0; i <= Capacity && stack.TryPop(out int index); i++)
        {
            left.Add(index);
        }

        Assert.Equal(Enumerable.Range(0, Capacity), left.Order());
    }

    private static void Claim(int[] owners, int index, ref int conflicts)
    {
        if (Interlocked.Exchange(ref owners[index], 1) != 0)
        {
            Interlocked.Increment(ref conflicts);
        }
    }

    private static void Release(int[] owners, int index) => Volatile.Write(ref owners[index], 0);
}

namespace Netipsec.Tests;

/// <summary>Measures what an operation allocates once it has warmed up.</summary>
internal static class SteadyState
{
    /// <summary>
    /// Bytes <paramref name="operation"/> allocates on this thread over <paramref name="iterations"/> calls, the least
    /// of three measurements: tiered compilation occasionally allocates on the calling thread when a method is
    /// promoted, which is the runtime's doing once, not the operation's in steady state.
    /// </summary>
    public static long AllocatedBytes(Action<int> operation, int iterations = 500)
    {
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least != 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < iterations; i++)
            {
                operation(i);
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}

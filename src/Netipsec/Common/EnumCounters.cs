using System.Runtime.CompilerServices;

namespace Netipsec.Common;

/// <summary>
/// A set of 64-bit counters named by the members of <typeparamref name="TCounter"/>, counted lock-free from any thread;
/// each read is atomic, a set of reads is not one snapshot. The members must be 0, 1, 2, ... (the default numbering).
/// </summary>
/// <typeparam name="TCounter">An enum with an <see cref="int"/> underlying type whose members name the counters.</typeparam>
public sealed class EnumCounters<TCounter>
    where TCounter : unmanaged, Enum
{
    private static readonly int Count = Enum.GetValues<TCounter>().Length;

    private readonly long[] _values = new long[Count];

    /// <summary>The value of <paramref name="counter"/>.</summary>
    public long this[TCounter counter] => Interlocked.Read(ref _values[Index(counter)]);

    internal void Increment(TCounter counter) => Interlocked.Increment(ref _values[Index(counter)]);

    internal void Add(TCounter counter, long amount) => Interlocked.Add(ref _values[Index(counter)], amount);

    private static int Index(TCounter counter) => Unsafe.BitCast<TCounter, int>(counter);
}

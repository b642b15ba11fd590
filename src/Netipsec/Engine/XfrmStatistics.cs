using System.Globalization;

namespace Netipsec.Engine;

/// <summary>
/// The XFRM MIB: one 64-bit counter per <see cref="DropReason"/>, incremented lock-free from any thread and shown
/// the way /proc/net/xfrm_stat shows them.
/// </summary>
public sealed class XfrmStatistics
{
    /// <summary>The number of MIB counters (every <see cref="DropReason"/> but None).</summary>
    public const int CounterCount = (int)DropReason.AcquireError;

    private static readonly string[] Names = BuildNames();

    // Padded to one counter per cache line so two cores counting different drops do not share a line.
    private const int Stride = 8;
    private readonly long[] _counters = new long[(CounterCount + 1) * Stride];

    public void Increment(DropReason reason)
    {
        if (reason != DropReason.None)
        {
            Interlocked.Increment(ref _counters[(int)reason * Stride]);
        }
    }

    public long this[DropReason reason] => reason == DropReason.None ? 0 : Interlocked.Read(ref _counters[(int)reason * Stride]);

    /// <summary>All counters at this moment, indexed by <see cref="DropReason"/> (index 0, None, is always 0).</summary>
    public long[] Snapshot()
    {
        long[] values = new long[CounterCount + 1];
        for (int i = 1; i < values.Length; i++)
        {
            values[i] = this[(DropReason)i];
        }

        return values;
    }

    /// <summary>The /proc/net/xfrm_stat name of a counter, e.g. "XfrmInNoStates".</summary>
    public static string NameOf(DropReason reason) => Names[(int)reason];

    /// <summary>Writes every counter as "Name&lt;tab&gt;value" lines, in the kernel's order.</summary>
    public void WriteTo(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        for (var reason = DropReason.InError; reason <= DropReason.AcquireError; reason++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Names[(int)reason],-24}\t{this[reason]}"));
        }
    }

    private static string[] BuildNames()
    {
        var names = new string[CounterCount + 1];
        names[0] = "";
        for (var reason = DropReason.InError; reason <= DropReason.AcquireError; reason++)
        {
            names[(int)reason] = "Xfrm" + reason;
        }

        return names;
    }
}

using Netipsec.Common;

namespace Netipsec.Transforms.IpComp;

/// <summary>
/// What an <see cref="IpCompTransform"/> did with the packets of all its SAs: FreeBSD's struct ipcompstat (netstat -p
/// ipcomp), one <see cref="IpCompCounter"/> per field, plus the outcomes of the non-expansion policy (RFC 3173 §2.2).
/// </summary>
/// <remarks>
/// <para>Most counters are kept by the transform itself; <see cref="IpCompCounter.NoState"/>,
/// <see cref="IpCompCounter.Invalid"/> and <see cref="IpCompCounter.PolicyDrops"/> by the engine's Rx path
/// (Engine.XfrmInput), for IPComp packets it drops before or after the transform. FreeBSD's ipcomps_qfull has no
/// counterpart: nothing queues IPComp packets here (no crypto queue).</para>
/// <para>Thread-safe: counters are updated and read atomically, each on its own.</para>
/// </remarks>
public sealed class IpCompStatistics
{
    private readonly EnumCounters<IpCompCounter> _counters = new();
    private readonly long[] _histogram = new long[256];

    /// <summary>The value of <paramref name="counter"/>.</summary>
    public long this[IpCompCounter counter] => _counters[counter];

    /// <summary>
    /// Received packets the transform refused for their contents: <see cref="IpCompCounter.HeaderDrops"/> +
    /// <see cref="IpCompCounter.Crypto"/> + <see cref="IpCompCounter.TooBig"/> + <see cref="IpCompCounter.Wrap"/> (a
    /// summary; the parts tell why).
    /// </summary>
    public long DecompressionFailures =>
        this[IpCompCounter.HeaderDrops] + this[IpCompCounter.Crypto] + this[IpCompCounter.TooBig] + this[IpCompCounter.Wrap];

    /// <summary>ipcomps_hist: packets compressed or decompressed with the compression algorithm of PF_KEY id <paramref name="algorithmId"/>.</summary>
    public long Histogram(byte algorithmId) => Interlocked.Read(ref _histogram[algorithmId]);

    internal void Increment(IpCompCounter counter) => _counters.Increment(counter);

    internal void AddInput(int compressedBytes)
    {
        _counters.Increment(IpCompCounter.Input);
        _counters.Add(IpCompCounter.InputBytes, compressedBytes);
    }

    internal void AddOutput(int payloadBytes)
    {
        _counters.Increment(IpCompCounter.Output);
        _counters.Add(IpCompCounter.OutputBytes, payloadBytes);
    }

    internal void AddCompressed(byte algorithmId)
    {
        _counters.Increment(IpCompCounter.Compressed);
        Interlocked.Increment(ref _histogram[algorithmId]);
    }

    internal void AddDecompressed(byte algorithmId)
    {
        _counters.Increment(IpCompCounter.Decompressed);
        Interlocked.Increment(ref _histogram[algorithmId]);
    }
}

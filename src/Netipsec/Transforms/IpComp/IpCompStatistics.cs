namespace Netipsec.Transforms.IpComp;

/// <summary>What an <see cref="IpCompTransform"/> did with the packets of all its SAs.</summary>
/// <remarks>Thread-safe: counters are updated and read atomically, each on its own.</remarks>
public sealed class IpCompStatistics
{
    private long _compressed;
    private long _tooSmall;
    private long _incompressible;
    private long _skipped;
    private long _decompressed;
    private long _decompressionFailures;

    /// <summary>Packets sent with an IPComp header: their payload shrank.</summary>
    public long Compressed => Interlocked.Read(ref _compressed);

    /// <summary>Packets sent uncompressed because their payload was at or below the algorithm's threshold (RFC 3173 §2.2).</summary>
    public long UncompressedSmall => Interlocked.Read(ref _tooSmall);

    /// <summary>Packets sent uncompressed because compressing did not make them smaller.</summary>
    public long UncompressedIncompressible => Interlocked.Read(ref _incompressible);

    /// <summary>Packets sent uncompressed without trying, during a back-off after repeated incompressible payloads.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Received packets whose payload was decompressed.</summary>
    public long Decompressed => Interlocked.Read(ref _decompressed);

    /// <summary>Received packets refused as malformed: truncated header, corrupt data, or more output than an IP packet holds.</summary>
    public long DecompressionFailures => Interlocked.Read(ref _decompressionFailures);

    internal void AddCompressed() => Interlocked.Increment(ref _compressed);

    internal void AddTooSmall() => Interlocked.Increment(ref _tooSmall);

    internal void AddIncompressible() => Interlocked.Increment(ref _incompressible);

    internal void AddSkipped() => Interlocked.Increment(ref _skipped);

    internal void AddDecompressed() => Interlocked.Increment(ref _decompressed);

    internal void AddDecompressionFailure() => Interlocked.Increment(ref _decompressionFailures);
}

namespace Netipsec.Transforms.IpComp;

/// <summary>
/// What an <see cref="IpCompTransform"/> did with the packets of all its SAs: FreeBSD's struct ipcompstat (netstat -p
/// ipcomp), one counter per field, plus the outcomes of the non-expansion policy (RFC 3173 §2.2).
/// </summary>
/// <remarks>
/// <para>Most counters are kept by the transform itself; <see cref="NoState"/>, <see cref="Invalid"/> and
/// <see cref="PolicyDrops"/> by the engine's Rx path (Engine.XfrmInput), for IPComp packets it drops before or after
/// the transform. FreeBSD's ipcomps_qfull has no counterpart: nothing queues IPComp packets here (no crypto queue).</para>
/// <para>Thread-safe: counters are updated and read atomically, each on its own.</para>
/// </remarks>
public sealed class IpCompStatistics
{
    private readonly long[] _histogram = new long[256];
    private long _compressed;
    private long _tooSmall;
    private long _incompressible;
    private long _skipped;
    private long _decompressed;
    private long _headerDrops;
    private long _noProtocolFamily;
    private long _noState;
    private long _badConfiguration;
    private long _noTransform;
    private long _wrap;
    private long _input;
    private long _output;
    private long _invalid;
    private long _tooBig;
    private long _policyDrops;
    private long _crypto;
    private long _inputBytes;
    private long _outputBytes;

    /// <summary>ipcomps_input: received IPComp packets handed to the transform.</summary>
    public long Input => Interlocked.Read(ref _input);

    /// <summary>ipcomps_output: packets handed to the transform to send (compressed or not).</summary>
    public long Output => Interlocked.Read(ref _output);

    /// <summary>ipcomps_ibytes: compressed bytes received (the data after the IPComp header).</summary>
    public long InputBytes => Interlocked.Read(ref _inputBytes);

    /// <summary>ipcomps_obytes: payload bytes offered for sending, before compression.</summary>
    public long OutputBytes => Interlocked.Read(ref _outputBytes);

    /// <summary>ipcomps_hdrops: received packets too short for the IPComp header, or without the header marks.</summary>
    public long HeaderDrops => Interlocked.Read(ref _headerDrops);

    /// <summary>ipcomps_nopf: packets whose (outer) IP header is neither IPv4 nor IPv6.</summary>
    public long NoProtocolFamily => Interlocked.Read(ref _noProtocolFamily);

    /// <summary>ipcomps_notdb: received IPComp packets whose CPI names no SA (counted by the Rx path).</summary>
    public long NoState => Interlocked.Read(ref _noState);

    /// <summary>ipcomps_badkcr: SAs whose configuration the transform refused to prepare (not IPComp, unknown algorithm, keys, CPI).</summary>
    public long BadConfiguration => Interlocked.Read(ref _badConfiguration);

    /// <summary>ipcomps_noxform: packets for an SA the transform never prepared or has destroyed.</summary>
    public long NoTransform => Interlocked.Read(ref _noTransform);

    /// <summary>ipcomps_wrap: received packets whose buffer could not grow to hold the decompressed payload.</summary>
    public long Wrap => Interlocked.Read(ref _wrap);

    /// <summary>ipcomps_invalid: received IPComp packets for an SA that is not usable yet or any more (counted by the Rx path).</summary>
    public long Invalid => Interlocked.Read(ref _invalid);

    /// <summary>ipcomps_toobig: received payloads that would decompress beyond what the IP packet can hold; dropped without inflating the rest.</summary>
    public long TooBig => Interlocked.Read(ref _tooBig);

    /// <summary>ipcomps_pdrops: packets an IPComp SA (or its tunnel companion) delivered that the inbound policy refused (counted by the Rx path).</summary>
    public long PolicyDrops => Interlocked.Read(ref _policyDrops);

    /// <summary>ipcomps_crypto: received payloads DEFLATE refused: corrupt, truncated (no final block), or empty.</summary>
    public long Crypto => Interlocked.Read(ref _crypto);

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

    /// <summary>
    /// Received packets the transform refused for their contents: <see cref="HeaderDrops"/> + <see cref="Crypto"/> +
    /// <see cref="TooBig"/> + <see cref="Wrap"/> (a summary; the parts tell why).
    /// </summary>
    public long DecompressionFailures => HeaderDrops + Crypto + TooBig + Wrap;

    /// <summary>ipcomps_hist: packets compressed or decompressed with the compression algorithm of PF_KEY id <paramref name="algorithmId"/>.</summary>
    public long Histogram(byte algorithmId) => Interlocked.Read(ref _histogram[algorithmId]);

    internal void AddInput(int compressedBytes)
    {
        Interlocked.Increment(ref _input);
        Interlocked.Add(ref _inputBytes, compressedBytes);
    }

    internal void AddOutput(int payloadBytes)
    {
        Interlocked.Increment(ref _output);
        Interlocked.Add(ref _outputBytes, payloadBytes);
    }

    internal void AddCompressed(byte algorithmId)
    {
        Interlocked.Increment(ref _compressed);
        Interlocked.Increment(ref _histogram[algorithmId]);
    }

    internal void AddDecompressed(byte algorithmId)
    {
        Interlocked.Increment(ref _decompressed);
        Interlocked.Increment(ref _histogram[algorithmId]);
    }

    internal void AddTooSmall() => Interlocked.Increment(ref _tooSmall);

    internal void AddIncompressible() => Interlocked.Increment(ref _incompressible);

    internal void AddSkipped() => Interlocked.Increment(ref _skipped);

    internal void AddHeaderDrop() => Interlocked.Increment(ref _headerDrops);

    internal void AddNoProtocolFamily() => Interlocked.Increment(ref _noProtocolFamily);

    internal void AddNoState() => Interlocked.Increment(ref _noState);

    internal void AddBadConfiguration() => Interlocked.Increment(ref _badConfiguration);

    internal void AddNoTransform() => Interlocked.Increment(ref _noTransform);

    internal void AddWrap() => Interlocked.Increment(ref _wrap);

    internal void AddInvalid() => Interlocked.Increment(ref _invalid);

    internal void AddTooBig() => Interlocked.Increment(ref _tooBig);

    internal void AddPolicyDrop() => Interlocked.Increment(ref _policyDrops);

    internal void AddCrypto() => Interlocked.Increment(ref _crypto);
}

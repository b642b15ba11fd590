namespace Netipsec.Transforms.IpComp;

/// <summary>
/// The counters of <see cref="IpCompStatistics"/>: FreeBSD's struct ipcompstat (netstat -p ipcomp), one member per
/// field, plus the outcomes of the non-expansion policy (RFC 3173 §2.2).
/// </summary>
public enum IpCompCounter
{
    /// <summary>ipcomps_input: received IPComp packets handed to the transform.</summary>
    Input,

    /// <summary>ipcomps_output: packets handed to the transform to send (compressed or not).</summary>
    Output,

    /// <summary>ipcomps_ibytes: compressed bytes received (the data after the IPComp header).</summary>
    InputBytes,

    /// <summary>ipcomps_obytes: payload bytes offered for sending, before compression.</summary>
    OutputBytes,

    /// <summary>ipcomps_hdrops: received packets too short for the IPComp header, or without the header marks.</summary>
    HeaderDrops,

    /// <summary>ipcomps_nopf: packets whose (outer) IP header is neither IPv4 nor IPv6.</summary>
    NoProtocolFamily,

    /// <summary>ipcomps_notdb: received IPComp packets whose CPI names no SA (counted by the Rx path).</summary>
    NoState,

    /// <summary>ipcomps_badkcr: SAs whose configuration the transform refused to prepare (not IPComp, unknown algorithm, keys, CPI).</summary>
    BadConfiguration,

    /// <summary>ipcomps_noxform: packets for an SA the transform never prepared or has destroyed.</summary>
    NoTransform,

    /// <summary>ipcomps_wrap: received packets whose buffer could not grow to hold the decompressed payload.</summary>
    Wrap,

    /// <summary>ipcomps_invalid: received IPComp packets for an SA that is not usable yet or any more (counted by the Rx path).</summary>
    Invalid,

    /// <summary>ipcomps_toobig: received payloads that would decompress beyond what the IP packet can hold; dropped without inflating the rest.</summary>
    TooBig,

    /// <summary>ipcomps_pdrops: packets an IPComp SA (or its tunnel companion) delivered that the inbound policy refused (counted by the Rx path).</summary>
    PolicyDrops,

    /// <summary>ipcomps_crypto: received payloads DEFLATE refused: corrupt, truncated (no final block), or empty.</summary>
    Crypto,

    /// <summary>Packets sent with an IPComp header: their payload shrank.</summary>
    Compressed,

    /// <summary>Packets sent uncompressed because their payload was at or below the algorithm's threshold (RFC 3173 §2.2).</summary>
    UncompressedSmall,

    /// <summary>Packets sent uncompressed because compressing did not make them smaller.</summary>
    UncompressedIncompressible,

    /// <summary>Packets sent uncompressed without trying, during a back-off after repeated incompressible payloads.</summary>
    Skipped,

    /// <summary>Received packets whose payload was decompressed.</summary>
    Decompressed,
}

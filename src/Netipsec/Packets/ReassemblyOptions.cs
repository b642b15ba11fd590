namespace Netipsec.Packets;

/// <summary>Limits and timeouts of an <see cref="IpReassembler"/>.</summary>
public sealed record ReassemblyOptions
{
    /// <summary>Default of <see cref="MaxDatagrams"/>.</summary>
    public const int DefaultMaxDatagrams = 256;

    /// <summary>Default of <see cref="MaxBytes"/>: 4 MiB, Linux's ipfrag_high_thresh.</summary>
    public const long DefaultMaxBytes = 4 * 1024 * 1024;

    /// <summary>Most datagrams being reassembled at once; fragments of further datagrams are dropped.</summary>
    public int MaxDatagrams { get; init; } = DefaultMaxDatagrams;

    /// <summary>
    /// Most bytes the datagrams in progress may occupy, each counted as its reassembly buffer's extent (headers plus
    /// data up to its furthest fragment, holes included); a fragment that would go beyond it is dropped.
    /// </summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>How long an IPv4 datagram may take to complete, from its first fragment: 30 s, Linux's ipfrag_time.</summary>
    public TimeSpan Ipv4Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an IPv6 datagram may take to complete, from its first fragment: 60 s (RFC 8200 §4.5).</summary>
    public TimeSpan Ipv6Timeout { get; init; } = TimeSpan.FromSeconds(60);
}

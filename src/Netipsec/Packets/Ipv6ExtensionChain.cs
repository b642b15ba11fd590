namespace Netipsec.Packets;

/// <summary>What <see cref="Ipv6ExtensionWalker"/> found in an IPv6 packet's extension header chain.</summary>
/// <remarks>All offsets count from the first byte of the IPv6 fixed header.</remarks>
public readonly record struct Ipv6ExtensionChain
{
    /// <summary>
    /// The first header that is not an extension header the walker crosses: an upper-layer protocol, ESP (whose
    /// contents are encrypted), IPComp, or <see cref="IpProtocol.NoNextHeader"/>. For a non-first fragment it is the
    /// fragment header's next header, whose bytes are in the first fragment.
    /// </summary>
    public IpProtocol UpperLayerProtocol { get; init; }

    /// <summary>Offset of the upper-layer header (for a non-first fragment: of the fragment's data).</summary>
    public int UpperLayerOffset { get; init; }

    /// <summary>
    /// Offset of the Next Header byte that names <see cref="UpperLayerProtocol"/>: 6 (the fixed header's) or the first
    /// byte of the last extension header crossed.
    /// </summary>
    public int UpperLayerNextHeaderOffset { get; init; }

    /// <summary>End of the packet as its payload length declares (40 + payload length).</summary>
    public int PacketLength { get; init; }

    /// <summary>Number of extension headers crossed.</summary>
    public int ExtensionHeaderCount { get; init; }

    /// <summary>
    /// Where an ESP or AH header goes in transport mode (RFC 4303 §3.1.1, RFC 4302 §3.1.1): after the hop-by-hop,
    /// routing and fragment headers and after a destination options header that precedes a routing header; before a
    /// destination options header that follows the routing header or ends the chain.
    /// </summary>
    public int IpsecInsertionOffset { get; init; }

    /// <summary>
    /// Offset of the Next Header byte that must name ESP or AH after the insertion: 6 (the fixed header's) or the first
    /// byte of the extension header just before <see cref="IpsecInsertionOffset"/>. Its old value is what the new
    /// header's own next header field must carry.
    /// </summary>
    public int IpsecNextHeaderOffset { get; init; }

    /// <summary>
    /// Offset of the first AH, ESP or IPComp header of the chain, where inbound IPsec processing starts; 0 when there is
    /// none (or it lies behind a non-first fragment).
    /// </summary>
    public int IpsecHeaderOffset { get; init; }

    /// <summary>Offset of the Next Header byte that names the header at <see cref="IpsecHeaderOffset"/> (0 when there is none).</summary>
    public int IpsecHeaderNextHeaderOffset { get; init; }

    /// <summary>True when the chain holds a fragment header; <see cref="Fragment"/> is then meaningful.</summary>
    public bool HasFragmentHeader { get; init; }

    /// <summary>The fragment header's fields (default when there is none).</summary>
    public FragmentInfo Fragment { get; init; }

    /// <summary>Offset of the fragment header whose fields <see cref="Fragment"/> holds (0 when there is none).</summary>
    public int FragmentHeaderOffset { get; init; }

    /// <summary>
    /// Offset of the Next Header byte that names the fragment header: 6 or the first byte of the extension header
    /// before it (0 when there is none). Reassembly (RFC 8200 §4.5) puts the fragment header's own next header there.
    /// </summary>
    public int FragmentHeaderNextHeaderOffset { get; init; }

    /// <summary>True for a fragment other than the first: its ports are unknowable (RFC 4301 §4.4.1 OPAQUE).</summary>
    public bool IsNonFirstFragment => HasFragmentHeader && Fragment.IsNonFirst;
}

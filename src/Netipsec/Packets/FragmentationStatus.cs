namespace Netipsec.Packets;

/// <summary>The outcome of <see cref="Ipv4Fragmenter.Fragment"/> and <see cref="Ipv6Fragmenter.Fragment"/>.</summary>
public enum FragmentationStatus : byte
{
    /// <summary>The fragments were written; the caller owns them and still owns the original packet.</summary>
    Done,

    /// <summary>The packet fits the MTU: nothing to do, send it as it is.</summary>
    Fits,

    /// <summary>An IPv4 packet with DF set: it must not be fragmented; answer with an ICMP "fragmentation needed".</summary>
    DontFragment,

    /// <summary>The MTU cannot carry the headers every fragment repeats plus 8 bytes of data.</summary>
    MtuTooSmall,

    /// <summary>Not a valid IP packet, malformed IPv4 options, or an IPv6 packet that is a fragment already.</summary>
    Malformed,

    /// <summary>The output span is shorter than the number of fragments, which <c>count</c> then gives.</summary>
    OutputTooSmall,

    /// <summary>The pool ran out of packets; nothing was kept.</summary>
    NoBuffer,
}

namespace Netipsec.Packets;

/// <summary>Why a packet parser rejected its input. Parsers return it rather than throw.</summary>
public enum PacketError : byte
{
    /// <summary>No error: the parse succeeded.</summary>
    None = 0,

    /// <summary>
    /// The buffer ends before a fixed header, before the length its IP header declares, or (for a packet that is not a
    /// non-first fragment) before the upper-layer bytes a flow needs (ports, ICMP type and code).
    /// </summary>
    Truncated,

    /// <summary>The version nibble is not the one expected (4 or 6), or neither when the caller did not say.</summary>
    BadVersion,

    /// <summary>IPv4 IHL is below 5 (a header shorter than 20 bytes), RFC 791 §3.1.</summary>
    BadHeaderLength,

    /// <summary>IPv4 total length is smaller than the header length it must include, RFC 791 §3.1.</summary>
    BadTotalLength,

    /// <summary>IPv6 payload length runs past the end of the buffer, RFC 8200 §3.</summary>
    BadPayloadLength,

    /// <summary>An IPv6 extension header's fixed part (its first 2 bytes, all 8 of a fragment header) does not fit in the payload.</summary>
    ExtensionHeaderTruncated,

    /// <summary>An IPv6 extension header's declared length runs past the end of the payload.</summary>
    ExtensionHeaderOverrun,

    /// <summary>A hop-by-hop options header appears other than right after the IPv6 header, RFC 8200 §4.3.</summary>
    HopByHopNotFirst,

    /// <summary>The chain holds more than <see cref="Ipv6ExtensionWalker.MaxExtensionHeaders"/> extension headers (a loop or an attack).</summary>
    TooManyExtensionHeaders,
}

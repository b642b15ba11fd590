namespace Netipsec.Packets;

/// <summary>The outcome of <see cref="IcmpErrorBuilder.TryBuildPacketTooBig"/>.</summary>
public enum IcmpErrorStatus : byte
{
    /// <summary>The ICMP error was built; the caller owns the packet.</summary>
    Built,

    /// <summary>
    /// The rules forbid answering this packet: it is an ICMP error (or an ICMPv6 redirect) itself, a non-first IPv4
    /// fragment, sent from an address that names no single host, or (IPv4) sent to a multicast or broadcast address.
    /// </summary>
    NotAllowed,

    /// <summary>The offending packet is not a valid IPv4 or IPv6 packet.</summary>
    Malformed,

    /// <summary>The packet pool is exhausted.</summary>
    NoBuffer,
}

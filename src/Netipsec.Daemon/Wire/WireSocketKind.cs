namespace Netipsec.Daemon.Wire;

/// <summary>What a wire socket delivers, which decides how a received packet is made whole.</summary>
internal enum WireSocketKind
{
    /// <summary>IPv4 raw socket: the whole packet, header included.</summary>
    RawIpv4,

    /// <summary>IPv6 raw socket: the payload only; the header is rebuilt from the address and ancillary data.</summary>
    RawIpv6,

    /// <summary>IPv4 UDP socket on the NAT-T port: the datagram's data; IP and UDP headers are rebuilt.</summary>
    UdpIpv4,

    /// <summary>IPv6 UDP socket on the NAT-T port.</summary>
    UdpIpv6,
}

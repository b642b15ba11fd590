namespace Netipsec.Packets;

/// <summary>IANA protocol numbers (IPv4 "protocol", IPv6 "next header") that the stack looks at.</summary>
#pragma warning disable CA1028 // The wire field is one byte; the enum must be too.
public enum IpProtocol : byte
#pragma warning restore CA1028
{
    HopByHopOptions = 0,
    Icmp = 1,
    Igmp = 2,
    IpInIp = 4,
    Tcp = 6,
    Udp = 17,
    Dccp = 33,
    Ipv6 = 41,
    Routing = 43,
    Fragment = 44,
    Gre = 47,
    Esp = 50,
    Ah = 51,
    Icmpv6 = 58,
    NoNextHeader = 59,
    DestinationOptions = 60,
    IpComp = 108,
    Sctp = 132,
    Mobility = 135,
    UdpLite = 136,
}

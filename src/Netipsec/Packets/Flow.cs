namespace Netipsec.Packets;

/// <summary>
/// What policy lookup sees of a packet (Linux's flowi): addresses, upper-layer protocol, ports and interface.
/// </summary>
/// <remarks>
/// As in Linux, ICMP and ICMPv6 carry their type in <see cref="SourcePort"/> and their code in
/// <see cref="DestinationPort"/>, so one selector port match covers both (RFC 4301 §4.4.1.1); a protocol without
/// ports (or a non-first fragment, whose ports are unknown) leaves both zero.
/// </remarks>
public readonly record struct Flow(
    IpAddress Source,
    IpAddress Destination,
    IpProtocol Protocol,
    ushort SourcePort,
    ushort DestinationPort,
    int InterfaceIndex = 0)
{
    public IpVersion Version => Source.Version;

    /// <summary>The ICMP type, when <see cref="Protocol"/> is ICMP or ICMPv6.</summary>
    public byte IcmpType => (byte)SourcePort;

    /// <summary>The ICMP code, when <see cref="Protocol"/> is ICMP or ICMPv6.</summary>
    public byte IcmpCode => (byte)DestinationPort;

    /// <summary>
    /// <see cref="Equals(Flow)"/> with both flows passed by reference: the flow cache's hit path compares a flow of 64
    /// bytes where it lies, where the generated equality takes copies of both.
    /// </summary>
    internal bool SameAs(in Flow other) =>
        SourcePort == other.SourcePort
        && DestinationPort == other.DestinationPort
        && Protocol == other.Protocol
        && InterfaceIndex == other.InterfaceIndex
        && Source.Equals(other.Source)
        && Destination.Equals(other.Destination);
}

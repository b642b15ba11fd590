namespace Netipsec.NatTraversal;

/// <summary>Where <see cref="UdpEncapsulation.Classify"/> found the UDP datagram of a packet on a NAT-T port.</summary>
/// <param name="Source">The sender's address and UDP source port.</param>
/// <param name="Destination">The local address and port.</param>
/// <param name="UdpOffset">Offset of the UDP header in the packet's data.</param>
/// <param name="UdpLength">The UDP length field: header and payload.</param>
/// <param name="NamingByte">Offset of the byte (IPv4 protocol or IPv6 next header) that names UDP.</param>
internal readonly record struct EncapsulatedDatagram(UdpEndpoint Source, UdpEndpoint Destination, int UdpOffset, int UdpLength, int NamingByte);

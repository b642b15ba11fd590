namespace Netipsec.Packets;

/// <summary>
/// What identifies the fragments of one datagram: source, destination, protocol and identification for IPv4
/// (RFC 791 §3.2); source, destination and identification for IPv6 (RFC 8200 §4.5), whose fragments may name
/// different next headers, so <see cref="Protocol"/> is always <see cref="IpProtocol.Fragment"/> there.
/// </summary>
internal readonly record struct ReassemblyKey(IpAddress Source, IpAddress Destination, IpProtocol Protocol, uint Identification);

using System.Buffers.Binary;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms.Modes;

namespace Netipsec.NatTraversal;

/// <summary>
/// The UDP header of ESP in UDP (RFC 3948 §2.1), put in behind the outer IP header on output and recognised and
/// removed on input (Linux's esp_output_udp_encap and xfrm4_udp_encap_rcv / udp_esp_encap).
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |        Source Port            |      Destination Port         |
/// |           Length              |           Checksum            |
/// |                      ESP header (SPI != 0) ...                |
/// </code>
/// Stateless and thread-safe; allocates nothing.
/// </summary>
internal static class UdpEncapsulation
{
    /// <summary>Bytes the UDP header adds to every encapsulated packet.</summary>
    public const int UdpHeaderLength = 8;

    /// <summary>The payload of a NAT keepalive (RFC 3948 §2.3).</summary>
    public const byte KeepaliveByte = 0xFF;

    private const int LengthOffset = 4;
    private const int EspHeaderLength = 8; // SPI and sequence number

    /// <summary>
    /// Puts the UDP header in front of the ESP header an SA's transform just wrote: source and destination port from
    /// <paramref name="encapsulation"/>, the byte that named ESP now naming UDP, and the IP lengths (and IPv4 header
    /// checksum) fixed. The UDP checksum is zero over IPv4, as RFC 3948 §2.1 says; IPv6 needs a real one (RFC 8200 §8.1).
    /// </summary>
    /// <param name="packet">The packet as the mode's FinishOutput left it: network mark on the outer IP header,
    /// transport mark on the ESP header, <see cref="Packet.NextHeaderFieldOffset"/> on the byte naming ESP.</param>
    /// <param name="encapsulation">The SA's encapsulation.</param>
    /// <returns>False, for the packet to be dropped, when the marks are inconsistent or it cannot grow by 8 bytes.</returns>
    public static bool TryEncapsulate(Packet packet, NatTraversalEncapsulation encapsulation)
    {
        if (!packet.HasNetworkHeader || !packet.HasTransportHeader)
        {
            return false;
        }

        int network = packet.NetworkOffset;
        int espOffset = packet.TransportOffset;
        int namingByte = network + packet.NextHeaderFieldOffset;
        if (network < 0 || namingByte >= espOffset || espOffset > packet.Length)
        {
            return false;
        }

        IpVersion version = (packet.Data[network] >> 4) switch { 4 => IpVersion.V4, 6 => IpVersion.V6, _ => IpVersion.None };
        if (version == IpVersion.None
            || !ModePacket.FitsLengthField(version, (long)packet.Length - network + UdpHeaderLength)
            || !packet.TryEnsureRoom(UdpHeaderLength, 0))
        {
            return false;
        }

        Span<byte> udp = packet.MakeSpace(espOffset, UdpHeaderLength);
        WriteHeader(udp, encapsulation.SourcePort, encapsulation.DestinationPort, packet.Length - espOffset);
        packet.SetTransportHeader(espOffset);
        packet.Data[namingByte] = (byte)IpProtocol.Udp;
        if (!ModePacket.TryWriteLengths(packet))
        {
            return false;
        }

        if (version == IpVersion.V6)
        {
            var header = new Ipv6Header(packet.NetworkHeader);
            InternetChecksum.WriteTransportChecksum(header.Source, header.Destination, IpProtocol.Udp, packet.Data[espOffset..]);
        }

        return true;
    }

    /// <summary>Writes a UDP header with a zero checksum; <paramref name="datagramLength"/> counts header and payload.</summary>
    public static void WriteHeader(Span<byte> udp, ushort sourcePort, ushort destinationPort, int datagramLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[LengthOffset..], (ushort)datagramLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp[InternetChecksum.UdpChecksumOffset..], 0);
    }

    /// <summary>
    /// Decides what a received packet is to NAT traversal: UDP to a local address and a port on which
    /// <paramref name="natTraversal"/> accepts encapsulation is a keepalive (one 0xFF byte), ESP (more
    /// than an ESP header's 8 bytes, starting with a non-zero SPI) or, as Linux decides, IKE (everything else: the
    /// non-ESP marker is four zero bytes where an SPI would be). Fragments are ordinary traffic: a non-first fragment has
    /// no ports, and the daemon's UDP socket hands over whole datagrams. The UDP checksum is not verified: the ESP ICV
    /// protects what matters, RFC 3948 §2.1 tells receivers not to depend on it, and the kernel socket the datagram came
    /// through has checked it already.
    /// </summary>
    /// <param name="data">The packet, starting with its IP header.</param>
    /// <param name="isLocalAddress">True for this host's addresses; traffic passing through is never decapsulated.</param>
    /// <param name="natTraversal">Says which (local address, port) pairs take ESP in UDP.</param>
    /// <param name="datagram">Where the datagram is, for every kind but <see cref="EncapsulationKind.NotEncapsulated"/>.</param>
    public static EncapsulationKind Classify(
        ReadOnlySpan<byte> data, Func<IpAddress, bool> isLocalAddress, NatTraversalEngine natTraversal, out EncapsulatedDatagram datagram)
    {
        datagram = default;
        if (!UpperLayer.TryLocate(data, out UpperLayer upper) || upper.Protocol != IpProtocol.Udp || upper.End - upper.Offset < UdpHeaderLength)
        {
            return EncapsulationKind.NotEncapsulated;
        }

        ReadOnlySpan<byte> udp = data[upper.Offset..upper.End];
        var local = new UdpEndpoint(upper.Destination, BinaryPrimitives.ReadUInt16BigEndian(udp[2..]));
        if (!isLocalAddress(upper.Destination) || !natTraversal.AcceptsEncapsulation(local))
        {
            return EncapsulationKind.NotEncapsulated;
        }

        int udpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[LengthOffset..]);
        datagram = new EncapsulatedDatagram(
            new UdpEndpoint(upper.Source, BinaryPrimitives.ReadUInt16BigEndian(udp)), local, upper.Offset, udpLength, upper.NamingByte);
        if (udpLength < UdpHeaderLength || udpLength > udp.Length)
        {
            return EncapsulationKind.Malformed;
        }

        ReadOnlySpan<byte> payload = udp[UdpHeaderLength..udpLength];
        if (payload.Length == 1 && payload[0] == KeepaliveByte)
        {
            return EncapsulationKind.Keepalive;
        }

        return payload.Length > EspHeaderLength && BinaryPrimitives.ReadUInt32BigEndian(payload) != 0
            ? EncapsulationKind.Esp
            : EncapsulationKind.Ike;
    }

    /// <summary>
    /// Turns an ESP-in-UDP packet into the plain ESP packet it carries: cuts bytes behind the UDP length, removes the
    /// UDP header, names ESP where UDP was named and fixes the IP lengths (and IPv4 header checksum), so the Rx path
    /// parses it as if it had arrived as IP protocol 50.
    /// </summary>
    /// <returns>False only for a packet that <see cref="Classify"/> did not call ESP.</returns>
    public static bool TryDecapsulate(Packet packet, in EncapsulatedDatagram datagram)
    {
        if (!packet.TryTrim(datagram.UdpOffset + datagram.UdpLength) || !packet.TryStripHeader(datagram.UdpOffset, UdpHeaderLength))
        {
            return false;
        }

        packet.Data[datagram.NamingByte] = (byte)IpProtocol.Esp;
        packet.SetNetworkHeader(0);
        return ModePacket.TryWriteLengths(packet);
    }
}

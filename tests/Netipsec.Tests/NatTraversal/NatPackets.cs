using System.Buffers.Binary;
using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Tests.NatTraversal;

/// <summary>Hand-built UDP datagrams for the NAT-T port: keepalives, IKE behind the non-ESP marker, ESP in UDP.</summary>
internal static class NatPackets
{
    public static readonly byte[] NonEspMarker = [0, 0, 0, 0];

    /// <summary>An IP + UDP packet carrying <paramref name="payload"/> (UDP checksum computed, IPv4 or IPv6 by the addresses).</summary>
    public static byte[] Udp(IpAddress source, ushort sourcePort, IpAddress destination, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        byte[] template = Traffic.Udp(source, destination, sourcePort, destinationPort, payload.Length);
        int udp = source.Version == IpVersion.V4 ? Ipv4Header.MinLength : Ipv6Header.Length;
        payload.CopyTo(template.AsSpan(udp + 8));
        InternetChecksum.WriteTransportChecksum(source, destination, IpProtocol.Udp, template.AsSpan(udp));
        return template;
    }

    /// <summary>An IKE message behind the non-ESP marker: the marker, then <paramref name="ikeLength"/> bytes standing for IKE.</summary>
    public static byte[] Ike(IpAddress source, ushort sourcePort, IpAddress destination, ushort destinationPort, int ikeLength = 28)
    {
        byte[] payload = new byte[4 + ikeLength];
        for (int i = 4; i < payload.Length; i++)
        {
            payload[i] = (byte)(i * 13);
        }

        return Udp(source, sourcePort, destination, destinationPort, payload);
    }

    public static byte[] Keepalive(IpAddress source, ushort sourcePort, IpAddress destination, ushort destinationPort) =>
        Udp(source, sourcePort, destination, destinationPort, [0xFF]);

    /// <summary>An ESP-looking payload: SPI, sequence number and <paramref name="bodyLength"/> bytes.</summary>
    public static byte[] EspPayload(uint spi, uint sequence = 1, int bodyLength = 32)
    {
        byte[] esp = new byte[8 + bodyLength];
        BinaryPrimitives.WriteUInt32BigEndian(esp, spi);
        BinaryPrimitives.WriteUInt32BigEndian(esp.AsSpan(4), sequence);
        for (int i = 8; i < esp.Length; i++)
        {
            esp[i] = (byte)(i * 7);
        }

        return esp;
    }

    /// <summary>The IP header's protocol (IPv4) or next header (IPv6 without extension headers).</summary>
    public static IpProtocol ProtocolOf(ReadOnlySpan<byte> packet) =>
        (IpProtocol)(packet[0] >> 4 == 4 ? packet[Ipv4Header.ProtocolOffset] : packet[Ipv6Header.NextHeaderOffset]);

    /// <summary>The UDP header of a packet without options or extension headers.</summary>
    public static ReadOnlySpan<byte> UdpOf(ReadOnlySpan<byte> packet) =>
        packet[(packet[0] >> 4 == 4 ? Ipv4Header.MinLength : Ipv6Header.Length)..];
}

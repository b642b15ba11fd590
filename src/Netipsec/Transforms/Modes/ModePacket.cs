using Netipsec.Packets;

namespace Netipsec.Transforms.Modes;

/// <summary>
/// The packet chores every mode shares: validating the IP packet handed to output, lining the data up with the network
/// header on input, growing the buffer without throwing, and writing the IP length fields.
/// </summary>
internal static class ModePacket
{
    /// <summary>Largest IPv4 datagram: the 16-bit total length (RFC 791 §3.1).</summary>
    private const int MaxIpv4Length = ushort.MaxValue;

    /// <summary>Largest IPv6 packet without jumbograms: the fixed header plus a 16-bit payload length (RFC 8200 §3).</summary>
    private const int MaxIpv6Length = Ipv6Header.Length + ushort.MaxValue;

    /// <summary>
    /// Checks that the data is one IPv4 or IPv6 packet, cuts off bytes behind its declared length (link padding must not
    /// be protected as payload), and sets the network header mark on it.
    /// </summary>
    /// <param name="packet">The packet; its data must start with the IP header.</param>
    /// <param name="version">The packet's IP version.</param>
    /// <param name="ipHeaderLength">The IPv4 header length with options, or the IPv6 fixed header length.</param>
    /// <returns>False, changing nothing, when the data is not a valid IPv4/IPv6 packet.</returns>
    public static bool TryStartOutput(Packet packet, out IpVersion version, out int ipHeaderLength)
    {
        ReadOnlySpan<byte> data = packet.Data;
        version = IpVersion.None;
        ipHeaderLength = 0;
        int length;
        switch (data.IsEmpty ? 0 : data[0] >> 4)
        {
            case 4:
                if (Ipv4Header.Validate(data, out ipHeaderLength, out length) != PacketError.None)
                {
                    return false;
                }

                version = IpVersion.V4;
                break;
            case 6:
                if (Ipv6Header.Validate(data, out length) != PacketError.None)
                {
                    return false;
                }

                version = IpVersion.V6;
                ipHeaderLength = Ipv6Header.Length;
                break;
            default:
                return false;
        }

        packet.Trim(length);
        packet.SetNetworkHeader(0);
        return true;
    }

    /// <summary>
    /// Checks the input marks and moves the start of the data to the network header (pushing back a header already
    /// pulled, as Linux does before the mode's input), so the data is <c>[IP header(s)][payload]</c>.
    /// </summary>
    /// <param name="packet">The packet after its transform's input.</param>
    /// <param name="version">The version of the IP header at the network mark.</param>
    /// <returns>
    /// False, changing nothing, when a mark is missing, the network header is not IPv4/IPv6, or the transport mark does
    /// not leave room for the fixed IP header in front of it or lies outside the data.
    /// </returns>
    public static bool TryStartInput(Packet packet, out IpVersion version)
    {
        version = IpVersion.None;
        if (!packet.HasNetworkHeader || !packet.HasTransportHeader)
        {
            return false;
        }

        int network = packet.NetworkOffset;
        int transport = packet.TransportOffset;
        if (transport < network || transport > packet.Length)
        {
            return false;
        }

        Span<byte> header = packet.NetworkHeader;
        if (header.IsEmpty)
        {
            return false;
        }

        int headerVersion = header[0] >> 4;
        int minimum = headerVersion switch
        {
            4 => Ipv4Header.MinLength,
            6 => Ipv6Header.Length,
            _ => int.MaxValue,
        };
        if (transport - network < minimum)
        {
            return false;
        }

        if (network < 0)
        {
            packet.Push(-network);
        }
        else
        {
            packet.Pull(network);
        }

        version = headerVersion == 4 ? IpVersion.V4 : IpVersion.V6;
        return true;
    }

    /// <summary>True when an IP packet of <paramref name="length"/> bytes (headers included) can state its length.</summary>
    public static bool FitsLengthField(IpVersion version, long length) =>
        length <= (version == IpVersion.V4 ? MaxIpv4Length : MaxIpv6Length);

    /// <summary>
    /// Writes the length of the IP packet that runs from the network header to the end of the data into its header:
    /// IPv4 total length (and a recomputed header checksum), or IPv6 payload length.
    /// </summary>
    /// <returns>False, changing nothing, when the length does not fit the field or the header is not IPv4/IPv6.</returns>
    public static bool TryWriteLengths(Packet packet)
    {
        Span<byte> ip = packet.NetworkHeader;
        int version = ip.IsEmpty ? 0 : ip[0] >> 4;
        if (version == 4 && ip.Length >= Ipv4Header.MinLength && ip.Length <= MaxIpv4Length)
        {
            var header = new Ipv4Header(ip);
            if (header.HeaderLength < Ipv4Header.MinLength || header.HeaderLength > ip.Length)
            {
                return false;
            }

            header.TotalLength = (ushort)ip.Length;
            header.UpdateChecksum();
            return true;
        }

        if (version == 6 && ip.Length >= Ipv6Header.Length && ip.Length <= MaxIpv6Length)
        {
            _ = new Ipv6Header(ip) { PayloadLength = (ushort)(ip.Length - Ipv6Header.Length) };
            return true;
        }

        return false;
    }
}

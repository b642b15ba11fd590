using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.Cli.Pcap;

/// <summary>
/// Finds the IP packet in a captured frame and puts a new one in its place, keeping the link header: nothing for
/// RAW, the Ethernet II header (with any 802.1Q / 802.1ad tags) for Ethernet, whose EtherType follows the new packet's
/// IP version.
/// </summary>
internal static class LinkFrame
{
    private const int EthernetAddresses = 12;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const ushort EtherTypeVlan = 0x8100;
    private const ushort EtherTypeQinQ = 0x88A8;
    private const int VlanTagLength = 4;

    /// <summary>
    /// Where the IPv4 or IPv6 packet in <paramref name="frame"/> starts and how long it says it is (bytes behind it are
    /// link padding); false for anything else (ARP, a header the frame does not hold, a length it does not reach).
    /// </summary>
    public static bool TryFindIp(PcapLinkType linkType, Span<byte> frame, out int offset, out int length)
    {
        (offset, length) = (0, 0);
        if (linkType == PcapLinkType.Ethernet)
        {
            offset = EthernetAddresses;
            ushort etherType;
            while (true)
            {
                if (frame.Length < offset + 2)
                {
                    return false;
                }

                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                if (etherType is not (EtherTypeVlan or EtherTypeQinQ))
                {
                    break;
                }

                offset += VlanTagLength;
            }

            offset += 2;
            int expectedVersion = etherType switch { EtherTypeIpv4 => 4, EtherTypeIpv6 => 6, _ => 0 };
            if (expectedVersion == 0 || frame.Length <= offset || frame[offset] >> 4 != expectedVersion)
            {
                return false;
            }
        }

        Span<byte> ip = frame[offset..];
        if (Ipv4Header.TryParse(ip, out Ipv4Header ipv4, out _))
        {
            length = ipv4.TotalLength;
            return true;
        }

        if (Ipv6Header.TryParse(ip, out Ipv6Header ipv6, out _))
        {
            length = Ipv6Header.Length + ipv6.PayloadLength;
            return true;
        }

        return false;
    }

    /// <summary>The frame's link header (from <paramref name="frame"/>, up to <paramref name="ipOffset"/>) followed by <paramref name="ip"/>.</summary>
    public static byte[] Rebuild(PcapLinkType linkType, ReadOnlySpan<byte> frame, int ipOffset, ReadOnlySpan<byte> ip)
    {
        byte[] result = [.. frame[..ipOffset], .. ip];
        if (linkType == PcapLinkType.Ethernet && !ip.IsEmpty)
        {
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(ipOffset - 2), ip[0] >> 4 == 6 ? EtherTypeIpv6 : EtherTypeIpv4);
        }

        return result;
    }
}

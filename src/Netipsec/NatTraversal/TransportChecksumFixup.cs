using System.Buffers.Binary;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.NatTraversal;

/// <summary>
/// RFC 3948 §3.1.2, transport-mode decapsulation behind a NAT: the sender computed its TCP or UDP checksum over its own
/// idea of the addresses, and a NAT rewrote the outer header that transport mode leaves in place, so the checksum no
/// longer fits the packet the host receives. Tunnel and BEET mode carry (or rebuild) the inner header and need nothing.
/// </summary>
/// <remarks>
/// <para>What is done, once the packet has been authenticated and decrypted:</para>
/// <list type="bullet">
/// <item>The SA knows the peer's original address (NAT-OA, RFC 3947 §5.2; PF_KEY's NAT_T_OA): the checksum is updated
/// incrementally (RFC 1624) from that address to the received source address, step 1 of the RFC. The SA holds one
/// NAT-OA, the peer's, as Linux's encap_oa does, so the destination is taken as unchanged; a UDP checksum of zero
/// ("none", IPv4) stays zero.</item>
/// <item>Without NAT-OA: a UDP checksum over IPv4 is set to zero (step 3; RFC 768 allows it and ESP's ICV protects the
/// data); a UDP checksum over IPv6 (where zero is not allowed) and a TCP checksum are recomputed over the header as
/// received (step 2). The RFC also allows just telling the stack to skip the TCP check; a TUN device has no such flag.</item>
/// </list>
/// <para>Other upper layers (ICMP has no pseudo-header; a nested IPsec header has its own SA) are left alone. Stateless
/// and thread-safe; allocates nothing.</para>
/// </remarks>
internal static class TransportChecksumFixup
{
    /// <summary>Fixes the TCP or UDP checksum of a decapsulated transport-mode packet (data starting at its IP header).</summary>
    public static void Apply(NatTraversalEncapsulation encapsulation, Span<byte> packet)
    {
        if (!UpperLayer.TryLocate(packet, out UpperLayer upper) || upper.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp))
        {
            return;
        }

        Span<byte> message = packet[upper.Offset..upper.End];
        int field = upper.Protocol == IpProtocol.Tcp ? InternetChecksum.TcpChecksumOffset : InternetChecksum.UdpChecksumOffset;
        if (message.Length < field + 2)
        {
            return; // truncated: the host's stack drops it
        }

        bool udp = upper.Protocol == IpProtocol.Udp;
        IpAddress original = encapsulation.OriginalAddress;
        if (original.Version == upper.Source.Version)
        {
            ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(message[field..]);
            if (udp && checksum == 0)
            {
                return;
            }

            ushort updated = InternetChecksum.Update(checksum, AddressSum(original), AddressSum(upper.Source));
            BinaryPrimitives.WriteUInt16BigEndian(message[field..], udp && updated == 0 ? (ushort)0xFFFF : updated);
        }
        else if (udp && upper.Source.Version == IpVersion.V4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(message[field..], 0);
        }
        else
        {
            InternetChecksum.WriteTransportChecksum(upper.Source, upper.Destination, upper.Protocol, message);
        }
    }

    /// <summary>The one's-complement sum of an address's 16-bit words: replacing it in a checksum is one update.</summary>
    private static ushort AddressSum(IpAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.WriteTo(bytes);
        return InternetChecksum.Sum(bytes[..address.ByteLength]);
    }
}

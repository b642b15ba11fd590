using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Netipsec.Packets;

/// <summary>
/// The Internet checksum (RFC 1071): the one's-complement of the one's-complement sum of big-endian 16-bit words, as
/// used by the IPv4 header, ICMP, TCP, UDP and ICMPv6, with the pseudo-headers of RFC 768/793 and RFC 8200 §8.1 and
/// the incremental update of RFC 1624.
/// </summary>
/// <remarks>
/// Stateless and thread-safe; nothing allocates. "Sum" values are the folded one's-complement sum (not complemented);
/// "checksum" values are what goes into a header field. All 16-bit values are in host order as read from the wire
/// with <see cref="BinaryPrimitives.ReadUInt16BigEndian"/>.
/// </remarks>
public static class InternetChecksum
{
    /// <summary>Offset of the checksum field in a TCP header (RFC 9293 §3.1).</summary>
    public const int TcpChecksumOffset = 16;

    /// <summary>Offset of the checksum field in a UDP and a UDP-Lite header (RFC 768, RFC 3828).</summary>
    public const int UdpChecksumOffset = 6;

    /// <summary>Offset of the checksum field in an ICMP and ICMPv6 header (RFC 792, RFC 4443 §2.1).</summary>
    public const int IcmpChecksumOffset = 2;

    /// <summary>
    /// Adds the 16-bit words of <paramref name="data"/> (an odd last byte padded with zero) to
    /// <paramref name="initial"/>, and returns the folded one's-complement sum.
    /// </summary>
    /// <remarks>
    /// To sum a message in pieces, pass each result as the next <paramref name="initial"/>; every piece but the last
    /// must have an even length. Works on 64-bit native-order words: one's-complement addition does not care about
    /// byte order (RFC 1071 §2(B)) as long as the result is swapped back once.
    /// </remarks>
    public static ushort Sum(ReadOnlySpan<byte> data, ushort initial = 0)
    {
        ulong sum = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(initial) : initial;
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        for (int i = 0; i < words.Length; i++)
        {
            ulong word = words[i];
            sum += word;
            if (sum < word)
            {
                sum++; // end-around carry
            }
        }

        ReadOnlySpan<byte> rest = data[(words.Length * sizeof(ulong))..];
        ulong tail = 0;
        if (rest.Length >= 4)
        {
            tail += MemoryMarshal.Read<uint>(rest);
            rest = rest[4..];
        }

        if (rest.Length >= 2)
        {
            tail += MemoryMarshal.Read<ushort>(rest);
            rest = rest[2..];
        }

        if (rest.Length == 1)
        {
            // The lone byte is the high half of a big-endian word, i.e. the first byte in memory of a zero-padded word.
            tail += BitConverter.IsLittleEndian ? rest[0] : (uint)rest[0] << 8;
        }

        sum += tail;
        if (sum < tail)
        {
            sum++;
        }

        ushort folded = Fold(sum);
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(folded) : folded;
    }

    /// <summary>Folds a wide one's-complement accumulator to 16 bits, adding the carries back in.</summary>
    public static ushort Fold(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The checksum to store for <paramref name="data"/>, whose checksum field must be zero.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data, ushort initial = 0) => (ushort)~Sum(data, initial);

    /// <summary>True when <paramref name="data"/>, checksum field included, sums to all ones.</summary>
    public static bool Verify(ReadOnlySpan<byte> data, ushort initial = 0) => Sum(data, initial) == 0xFFFF;

    /// <summary>
    /// The sum of the pseudo-header that TCP, UDP and ICMPv6 checksums cover: for IPv4 source, destination, zero,
    /// protocol and 16-bit length (RFC 768, RFC 9293 §3.1); for IPv6 source, destination, 32-bit length, zeros and next
    /// header (RFC 8200 §8.1). The version is that of <paramref name="source"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The addresses are of different or no versions.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative, or above 65535 for IPv4.</exception>
    public static ushort PseudoHeaderSum(IpAddress source, IpAddress destination, IpProtocol protocol, int upperLayerLength)
    {
        if (source.Version == IpVersion.None || source.Version != destination.Version)
        {
            throw new ArgumentException("A pseudo-header needs two addresses of one version.", nameof(destination));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(upperLayerLength);
        Span<byte> header = stackalloc byte[40];
        int length;
        if (source.Version == IpVersion.V4)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(upperLayerLength, ushort.MaxValue);
            source.WriteTo(header);
            destination.WriteTo(header[4..]);
            header[8] = 0;
            header[9] = (byte)protocol;
            BinaryPrimitives.WriteUInt16BigEndian(header[10..], (ushort)upperLayerLength);
            length = 12;
        }
        else
        {
            source.WriteTo(header);
            destination.WriteTo(header[16..]);
            BinaryPrimitives.WriteUInt32BigEndian(header[32..], (uint)upperLayerLength);
            header[36] = 0;
            header[37] = 0;
            header[38] = 0;
            header[39] = (byte)protocol;
            length = 40;
        }

        return Sum(header[..length]);
    }

    /// <summary>
    /// Computes and stores the checksum of a TCP, UDP, UDP-Lite (full coverage), ICMP or ICMPv6 message in place.
    /// A UDP result of zero is sent as 0xFFFF (RFC 768), since zero means "no checksum".
    /// </summary>
    /// <exception cref="ArgumentException">The protocol has no checksum here, or the message is shorter than its checksum field.</exception>
    public static void WriteTransportChecksum(IpAddress source, IpAddress destination, IpProtocol protocol, Span<byte> message)
    {
        int field = ChecksumFieldOffset(protocol, message.Length);
        message[field] = 0;
        message[field + 1] = 0;
        ushort checksum = Compute(message, TransportInitialSum(source, destination, protocol, message.Length));
        if (checksum == 0 && protocol is IpProtocol.Udp or IpProtocol.UdpLite)
        {
            checksum = 0xFFFF;
        }

        BinaryPrimitives.WriteUInt16BigEndian(message[field..], checksum);
    }

    /// <summary>True for the protocols whose checksum this class computes and verifies (TCP, UDP, UDP-Lite, ICMP, ICMPv6).</summary>
    public static bool HasTransportChecksum(IpProtocol protocol) =>
        protocol is IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.UdpLite or IpProtocol.Icmp or IpProtocol.Icmpv6;

    /// <summary>
    /// True when the stored checksum of a TCP, UDP, UDP-Lite, ICMP or ICMPv6 message is right. A zero UDP checksum is
    /// accepted over IPv4 ("none", RFC 768) and rejected over IPv6 (RFC 8200 §8.1). A message too short to hold its
    /// checksum field is received garbage, not a programming error, so it is simply not right (false).
    /// </summary>
    /// <exception cref="ArgumentException">The protocol has no checksum here (see <see cref="HasTransportChecksum"/>).</exception>
    public static bool VerifyTransportChecksum(IpAddress source, IpAddress destination, IpProtocol protocol, ReadOnlySpan<byte> message)
    {
        int field = ChecksumFieldOffset(protocol, int.MaxValue);
        if (message.Length < field + 2)
        {
            return false;
        }

        if (protocol == IpProtocol.Udp && BinaryPrimitives.ReadUInt16BigEndian(message[field..]) == 0)
        {
            return source.Version == IpVersion.V4;
        }

        return Verify(message, TransportInitialSum(source, destination, protocol, message.Length));
    }

    /// <summary>
    /// The checksum after one 16-bit word of the covered data changes from <paramref name="oldValue"/> to
    /// <paramref name="newValue"/>, without summing the data again: HC' = ~(~HC + ~m + m') (RFC 1624 §3, eqn. 3).
    /// </summary>
    public static ushort Update(ushort checksum, ushort oldValue, ushort newValue)
    {
        ulong sum = (ushort)~checksum + (ulong)(ushort)~oldValue + newValue;
        return (ushort)~Fold(sum);
    }

    /// <summary>Like the 16-bit <see cref="Update(ushort, ushort, ushort)"/> for an aligned 32-bit value (an IPv4 address).</summary>
    public static ushort Update(ushort checksum, uint oldValue, uint newValue)
    {
        ulong sum = (ushort)~checksum
            + (ulong)(ushort)~(oldValue >> 16) + (ushort)~oldValue
            + (newValue >> 16) + (newValue & 0xFFFF);
        return (ushort)~Fold(sum);
    }

    private static ushort TransportInitialSum(IpAddress source, IpAddress destination, IpProtocol protocol, int length) =>
        protocol == IpProtocol.Icmp ? (ushort)0 : PseudoHeaderSum(source, destination, protocol, length);

    private static int ChecksumFieldOffset(IpProtocol protocol, int messageLength)
    {
        int offset = protocol switch
        {
            IpProtocol.Tcp => TcpChecksumOffset,
            IpProtocol.Udp or IpProtocol.UdpLite => UdpChecksumOffset,
            IpProtocol.Icmp or IpProtocol.Icmpv6 => IcmpChecksumOffset,
            _ => throw new ArgumentException($"No transport checksum is defined here for protocol {protocol}.", nameof(protocol)),
        };
        if (messageLength < offset + 2)
        {
            throw new ArgumentException("The message is shorter than its checksum field.", nameof(messageLength));
        }

        return offset;
    }
}

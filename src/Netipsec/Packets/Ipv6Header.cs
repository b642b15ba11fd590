using System.Buffers.Binary;

namespace Netipsec.Packets;

/// <summary>
/// A view of an IPv6 fixed header (RFC 8200 §3) in place over a packet's bytes: getters read and setters write the wire
/// fields directly, in network byte order. Nothing is copied or allocated.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version| Traffic Class |           Flow Label                  |
/// |         Payload Length        |  Next Header  |   Hop Limit   |
/// |                 Source Address (128 bits)                     |
/// |              Destination Address (128 bits)                   |
/// </code>
/// Extension headers are walked by <see cref="Ipv6ExtensionWalker"/>. Jumbograms (RFC 2675, payload length zero with a
/// jumbo option) are not supported: a zero payload length means an empty payload.
/// </remarks>
public readonly ref struct Ipv6Header
{
    /// <summary>Length of the fixed header.</summary>
    public const int Length = 40;

    internal const int PayloadLengthOffset = 4;
    internal const int NextHeaderOffset = 6;
    internal const int HopLimitOffset = 7;
    internal const int SourceOffset = 8;
    internal const int DestinationOffset = 24;

    private const uint FlowLabelMask = 0x000F_FFFF;

    private readonly Span<byte> _bytes;

    /// <summary>Makes an unchecked view, for writing a new header; <paramref name="bytes"/> must hold at least 40 bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is shorter than <see cref="Length"/>.</exception>
    public Ipv6Header(Span<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes.Length, Length, nameof(bytes));
        _bytes = bytes;
    }

    /// <summary>The bytes the view was made over.</summary>
    public Span<byte> Bytes => _bytes;

    /// <summary>The version nibble; 6 in a valid header.</summary>
    public int Version
    {
        get => _bytes[0] >> 4;
        set => _bytes[0] = (byte)((value << 4) | (_bytes[0] & 0x0F));
    }

    /// <summary>The traffic class: DSCP in the upper 6 bits, ECN in the lower 2 (RFC 2474, RFC 3168).</summary>
    public byte TrafficClass
    {
        get => (byte)(FirstWord >> 20);
        set => FirstWord = (FirstWord & 0xF00F_FFFF) | ((uint)value << 20);
    }

    /// <summary>The 20-bit flow label (RFC 6437).</summary>
    public int FlowLabel
    {
        get => (int)(FirstWord & FlowLabelMask);
        set => FirstWord = (FirstWord & ~FlowLabelMask) | ((uint)value & FlowLabelMask);
    }

    /// <summary>Length of everything after the fixed header, extension headers included.</summary>
    public ushort PayloadLength
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_bytes[PayloadLengthOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_bytes[PayloadLengthOffset..], value);
    }

    /// <summary>The type of the header right after the fixed header.</summary>
    public IpProtocol NextHeader
    {
        get => (IpProtocol)_bytes[NextHeaderOffset];
        set => _bytes[NextHeaderOffset] = (byte)value;
    }

    /// <summary>Hops left.</summary>
    public byte HopLimit
    {
        get => _bytes[HopLimitOffset];
        set => _bytes[HopLimitOffset] = value;
    }

    /// <summary>The source address.</summary>
    public IpAddress Source
    {
        get => IpAddress.Read(_bytes.Slice(SourceOffset, 16));
        set => IpAddress.WriteToHeader(value, _bytes[SourceOffset..], IpVersion.V6);
    }

    /// <summary>The destination address.</summary>
    public IpAddress Destination
    {
        get => IpAddress.Read(_bytes.Slice(DestinationOffset, 16));
        set => IpAddress.WriteToHeader(value, _bytes[DestinationOffset..], IpVersion.V6);
    }

    /// <summary>The payload, <see cref="PayloadLength"/> bytes after the fixed header.</summary>
    public Span<byte> Payload => _bytes.Slice(Length, PayloadLength);

    private uint FirstWord
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_bytes);
        set => BinaryPrimitives.WriteUInt32BigEndian(_bytes, value);
    }

    /// <summary>Checks <paramref name="packet"/> as an IPv6 packet and makes a view of it; never throws.</summary>
    /// <returns>
    /// True and <see cref="PacketError.None"/> on success. Otherwise false and: <see cref="PacketError.Truncated"/> when
    /// the buffer is shorter than 40 bytes; <see cref="PacketError.BadVersion"/> when the version is not 6;
    /// <see cref="PacketError.BadPayloadLength"/> when the payload length runs past the buffer. Trailing bytes beyond
    /// the payload length are allowed and left out of <see cref="Payload"/>.
    /// </returns>
    public static bool TryParse(Span<byte> packet, out Ipv6Header header, out PacketError error)
    {
        error = Validate(packet, out _);
        header = error == PacketError.None ? new Ipv6Header(packet) : default;
        return error == PacketError.None;
    }

    /// <summary>The rules of <see cref="TryParse"/> on a read-only span; on success gives the end of the payload.</summary>
    internal static PacketError Validate(ReadOnlySpan<byte> packet, out int packetLength)
    {
        packetLength = 0;
        if (packet.Length > 0 && packet[0] >> 4 != 6)
        {
            return PacketError.BadVersion;
        }

        if (packet.Length < Length)
        {
            return PacketError.Truncated;
        }

        int end = Length + BinaryPrimitives.ReadUInt16BigEndian(packet[PayloadLengthOffset..]);
        if (end > packet.Length)
        {
            return PacketError.BadPayloadLength;
        }

        packetLength = end;
        return PacketError.None;
    }
}

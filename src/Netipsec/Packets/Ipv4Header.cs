using System.Buffers.Binary;

namespace Netipsec.Packets;

/// <summary>
/// A view of an IPv4 header (RFC 791 §3.1) in place over a packet's bytes: getters read and setters write the wire
/// fields directly, in network byte order. Nothing is copied or allocated.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version|  IHL  |   DSCP    |ECN|          Total Length         |
/// |         Identification        |R|D|M|     Fragment Offset     |
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// |                       Source Address                          |
/// |                    Destination Address                        |
/// |                    Options                    |    Padding    |
/// </code>
/// The view covers the bytes it was made over (from the version byte on); a view from <see cref="TryParse"/> has been
/// checked so that <see cref="HeaderLength"/> and <see cref="TotalLength"/> fit. Setters do not update the checksum:
/// call <see cref="UpdateChecksum"/> (or <see cref="InternetChecksum.Update(ushort, ushort, ushort)"/>) afterwards.
/// </remarks>
public readonly ref struct Ipv4Header
{
    /// <summary>Length of a header without options.</summary>
    public const int MinLength = 20;

    /// <summary>Length of a header with the most options IHL can express (15 words).</summary>
    public const int MaxLength = 60;

    internal const int VersionAndIhlOffset = 0;
    internal const int TypeOfServiceOffset = 1;
    internal const int TotalLengthOffset = 2;
    internal const int IdentificationOffset = 4;
    internal const int FlagsAndFragmentOffset = 6;
    internal const int TimeToLiveOffset = 8;
    internal const int ProtocolOffset = 9;
    internal const int ChecksumOffset = 10;
    internal const int SourceOffset = 12;
    internal const int DestinationOffset = 16;

    private const ushort ReservedFlagBit = 0x8000;
    private const ushort DontFragmentBit = 0x4000;
    private const ushort MoreFragmentsBit = 0x2000;
    private const ushort FragmentOffsetMask = 0x1FFF;

    private readonly Span<byte> _bytes;

    /// <summary>Makes an unchecked view, for writing a new header; <paramref name="bytes"/> must hold at least 20 bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is shorter than <see cref="MinLength"/>.</exception>
    public Ipv4Header(Span<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes.Length, MinLength, nameof(bytes));
        _bytes = bytes;
    }

    /// <summary>The bytes the view was made over.</summary>
    public Span<byte> Bytes => _bytes;

    /// <summary>The version nibble; 4 in a valid header.</summary>
    public int Version
    {
        get => _bytes[VersionAndIhlOffset] >> 4;
        set => _bytes[VersionAndIhlOffset] = (byte)((value << 4) | (_bytes[VersionAndIhlOffset] & 0x0F));
    }

    /// <summary>The header length in bytes (IHL × 4). Set it to a multiple of 4 from 20 to 60.</summary>
    public int HeaderLength
    {
        get => (_bytes[VersionAndIhlOffset] & 0x0F) * 4;
        set => _bytes[VersionAndIhlOffset] = (byte)((_bytes[VersionAndIhlOffset] & 0xF0) | ((value / 4) & 0x0F));
    }

    /// <summary>The Differentiated Services code point, the upper 6 bits of the old type-of-service byte (RFC 2474).</summary>
    public int Dscp
    {
        get => _bytes[TypeOfServiceOffset] >> 2;
        set => _bytes[TypeOfServiceOffset] = (byte)((value << 2) | (_bytes[TypeOfServiceOffset] & 0x03));
    }

    /// <summary>The Explicit Congestion Notification bits, the lower 2 bits of that byte (RFC 3168).</summary>
    public int Ecn
    {
        get => _bytes[TypeOfServiceOffset] & 0x03;
        set => _bytes[TypeOfServiceOffset] = (byte)((_bytes[TypeOfServiceOffset] & 0xFC) | (value & 0x03));
    }

    /// <summary>Length of the whole datagram, header included.</summary>
    public ushort TotalLength
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_bytes[TotalLengthOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_bytes[TotalLengthOffset..], value);
    }

    /// <summary>The identification shared by the fragments of one datagram.</summary>
    public ushort Identification
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_bytes[IdentificationOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_bytes[IdentificationOffset..], value);
    }

    /// <summary>The reserved flag bit, which must be zero (RFC 791 §3.1).</summary>
    public bool ReservedFlag
    {
        get => (FlagsAndFragment & ReservedFlagBit) != 0;
        set => SetFlag(ReservedFlagBit, value);
    }

    /// <summary>DF: the datagram must not be fragmented.</summary>
    public bool DontFragment
    {
        get => (FlagsAndFragment & DontFragmentBit) != 0;
        set => SetFlag(DontFragmentBit, value);
    }

    /// <summary>MF: more fragments follow.</summary>
    public bool MoreFragments
    {
        get => (FlagsAndFragment & MoreFragmentsBit) != 0;
        set => SetFlag(MoreFragmentsBit, value);
    }

    /// <summary>Where this fragment's data goes in the datagram, in 8-byte units (the 13-bit wire field).</summary>
    public int FragmentOffset
    {
        get => FlagsAndFragment & FragmentOffsetMask;
        set => FlagsAndFragment = (ushort)((FlagsAndFragment & ~FragmentOffsetMask) | (value & FragmentOffsetMask));
    }

    /// <summary>True for any fragment: MF set or a non-zero offset.</summary>
    public bool IsFragment => (FlagsAndFragment & (MoreFragmentsBit | FragmentOffsetMask)) != 0;

    /// <summary>The fragment fields as a <see cref="FragmentInfo"/>, the offset in bytes.</summary>
    public FragmentInfo Fragment => new(FragmentOffset * 8, MoreFragments, Identification);

    /// <summary>Time to live (hops left).</summary>
    public byte TimeToLive
    {
        get => _bytes[TimeToLiveOffset];
        set => _bytes[TimeToLiveOffset] = value;
    }

    /// <summary>The protocol of the payload.</summary>
    public IpProtocol Protocol
    {
        get => (IpProtocol)_bytes[ProtocolOffset];
        set => _bytes[ProtocolOffset] = (byte)value;
    }

    /// <summary>The stored header checksum.</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_bytes[ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_bytes[ChecksumOffset..], value);
    }

    /// <summary>The source address.</summary>
    public IpAddress Source
    {
        get => IpAddress.FromIpv4(BinaryPrimitives.ReadUInt32BigEndian(_bytes[SourceOffset..]));
        set => IpAddress.WriteToHeader(value, _bytes[SourceOffset..], IpVersion.V4);
    }

    /// <summary>The destination address.</summary>
    public IpAddress Destination
    {
        get => IpAddress.FromIpv4(BinaryPrimitives.ReadUInt32BigEndian(_bytes[DestinationOffset..]));
        set => IpAddress.WriteToHeader(value, _bytes[DestinationOffset..], IpVersion.V4);
    }

    /// <summary>The options (and padding) between the fixed header and <see cref="HeaderLength"/>.</summary>
    public Span<byte> Options => _bytes[MinLength..HeaderLength];

    /// <summary>The payload, from <see cref="HeaderLength"/> to <see cref="TotalLength"/>.</summary>
    public Span<byte> Payload => _bytes[HeaderLength..TotalLength];

    private ushort FlagsAndFragment
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_bytes[FlagsAndFragmentOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(_bytes[FlagsAndFragmentOffset..], value);
    }

    /// <summary>
    /// Writes a complete 20-byte header without options, checksum included, over the first bytes of
    /// <paramref name="header"/> in a few stores, for the tunnel output path where setting the fields one by one through
    /// a view and summing the bytes afterwards costs more than the rest of the header work.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="header"/> holds fewer than 20 bytes.</exception>
    internal static void WriteFixed(
        Span<byte> header, byte typeOfService, ushort totalLength, ushort identification, bool dontFragment, byte timeToLive, IpProtocol protocol, uint source, uint destination)
    {
        if (header.Length < MinLength)
        {
            throw new ArgumentException("An IPv4 header needs 20 bytes.", nameof(header));
        }

        uint versionAndService = (0x45u << 8) | typeOfService;
        uint flags = dontFragment ? DontFragmentBit : 0u;
        uint timeToLiveAndProtocol = ((uint)timeToLive << 8) | (uint)protocol;
        // The one's-complement sum of the header's 16-bit words (RFC 1071), computed from the values, not the bytes.
        ulong sum = versionAndService + totalLength + identification + flags + timeToLiveAndProtocol
            + (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF);
        ushort checksum = (ushort)~InternetChecksum.Fold(sum);
        BinaryPrimitives.WriteUInt64BigEndian(header, ((ulong)versionAndService << 48) | ((ulong)totalLength << 32) | ((ulong)identification << 16) | flags);
        BinaryPrimitives.WriteUInt32BigEndian(header[TimeToLiveOffset..], (timeToLiveAndProtocol << 16) | checksum);
        BinaryPrimitives.WriteUInt32BigEndian(header[SourceOffset..], source);
        BinaryPrimitives.WriteUInt32BigEndian(header[DestinationOffset..], destination);
    }

    /// <summary>
    /// Checks <paramref name="packet"/> as an IPv4 datagram and makes a view of it; never throws.
    /// </summary>
    /// <returns>
    /// True and <see cref="PacketError.None"/> on success. Otherwise false and: <see cref="PacketError.BadVersion"/> when
    /// the version is not 4; <see cref="PacketError.Truncated"/> when the buffer is shorter than 20 bytes, than IHL or
    /// than the total length; <see cref="PacketError.BadHeaderLength"/> when IHL is below 5;
    /// <see cref="PacketError.BadTotalLength"/> when the total length is below the header length. Bytes after the total
    /// length (link-layer padding) are allowed and left out of <see cref="Payload"/>. The checksum is not verified.
    /// </returns>
    public static bool TryParse(Span<byte> packet, out Ipv4Header header, out PacketError error)
    {
        error = Validate(packet, out _, out _);
        header = error == PacketError.None ? new Ipv4Header(packet) : default;
        return error == PacketError.None;
    }

    /// <summary>The checksum this header should carry, computed over <see cref="HeaderLength"/> bytes with the field taken as zero.</summary>
    public ushort ComputeChecksum()
    {
        ReadOnlySpan<byte> header = _bytes[..HeaderLength];
        ushort sum = InternetChecksum.Sum(header[..ChecksumOffset]);
        return (ushort)~InternetChecksum.Sum(header[(ChecksumOffset + 2)..], sum);
    }

    /// <summary>True when the stored checksum matches the header (RFC 791 §3.1, RFC 1071).</summary>
    public bool VerifyChecksum() => InternetChecksum.Verify(_bytes[..HeaderLength]);

    /// <summary>Recomputes the checksum and stores it.</summary>
    public void UpdateChecksum() => Checksum = ComputeChecksum();

    /// <summary>
    /// The rules of <see cref="TryParse"/> on a read-only span, for callers (flow extraction) that only read; on
    /// success gives the header and total lengths.
    /// </summary>
    internal static PacketError Validate(ReadOnlySpan<byte> packet, out int headerLength, out int totalLength)
    {
        headerLength = 0;
        totalLength = 0;
        if (packet.Length < MinLength)
        {
            return packet.Length > 0 && packet[VersionAndIhlOffset] >> 4 != 4 ? PacketError.BadVersion : PacketError.Truncated;
        }

        // Version, IHL, type of service and total length in one read.
        uint firstWord = BinaryPrimitives.ReadUInt32BigEndian(packet);
        if (firstWord >> 28 != 4)
        {
            return PacketError.BadVersion;
        }

        int ihl = (int)(firstWord >> 22) & 0x3C;
        if (ihl < MinLength)
        {
            return PacketError.BadHeaderLength;
        }

        if (ihl > packet.Length)
        {
            return PacketError.Truncated;
        }

        int total = (int)(firstWord & 0xFFFF);
        if (total < ihl)
        {
            return PacketError.BadTotalLength;
        }

        if (total > packet.Length)
        {
            return PacketError.Truncated;
        }

        headerLength = ihl;
        totalLength = total;
        return PacketError.None;
    }

    private void SetFlag(ushort bit, bool value) =>
        FlagsAndFragment = (ushort)(value ? FlagsAndFragment | bit : FlagsAndFragment & ~bit);
}

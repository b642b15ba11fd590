using System.Buffers.Binary;

namespace Netipsec.Transforms.Esp;

/// <summary>
/// A view of the ESP header (RFC 4303 §2) in place over a packet's bytes: SPI, sequence number and the explicit IV
/// the SA's algorithm carries at the start of the payload data (0, 8 or 16 bytes). Nothing is copied or allocated.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
/// |               Security Parameters Index (SPI)                 | ^ integrity
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | (AEAD: AAD)
/// |                      Sequence Number                          | v
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
/// |        IV (RFC 3602: 16, RFC 3686/4106/4309/4543/7634: 8)     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
/// |                    Payload Data (variable)                    | ^
/// ~                                                               ~ |
/// |               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | encrypted
/// |               |     Padding (0-255 bytes)                     | |
/// +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
/// |                               |  Pad Length   | Next Header   | v
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
/// |         Integrity Check Value (ICV, 0 to 32 bytes)            |
/// ~                                                               ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Only the low 32 bits of the sequence number travel; with extended sequence numbers the high 32 bits are
/// authenticated without being sent (RFC 4303 §2.2.1). The trailer is <see cref="EspTrailer"/>'s business.
/// </remarks>
internal readonly ref struct EspHeader
{
    internal const int SpiOffset = 0;
    internal const int SequenceNumberOffset = 4;
    internal const int IvOffset = 8;

    /// <summary>SPI and sequence number: the bytes in front of the IV.</summary>
    internal const int FixedLength = IvOffset;

    private readonly Span<byte> _bytes;

    private EspHeader(Span<byte> bytes) => _bytes = bytes;

    /// <summary>The SPI as on the wire.</summary>
    internal uint Spi
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_bytes[SpiOffset..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_bytes[SpiOffset..], value);
    }

    /// <summary>The low 32 bits of the sequence number.</summary>
    internal uint SequenceNumber
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_bytes[SequenceNumberOffset..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(_bytes[SequenceNumberOffset..], value);
    }

    /// <summary>The explicit IV's bytes, writable.</summary>
    internal Span<byte> Iv => _bytes[IvOffset..];

    /// <summary>SPI, sequence number and IV: the bytes in front of the encrypted payload.</summary>
    internal int Length => _bytes.Length;

    /// <summary>A view over SPI, sequence number and <paramref name="ivLength"/> bytes of IV; false when <paramref name="bytes"/> is shorter.</summary>
    internal static bool TryCreate(Span<byte> bytes, int ivLength, out EspHeader header)
    {
        int length = FixedLength + ivLength;
        if (ivLength < 0 || bytes.Length < length)
        {
            header = default;
            return false;
        }

        header = new EspHeader(bytes[..length]);
        return true;
    }
}

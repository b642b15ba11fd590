using System.Buffers.Binary;

namespace Netipsec.Transforms.Esp;

/// <summary>
/// A view of the fixed ESP header (RFC 4303 §2) in place over a packet's bytes, followed by the explicit IV that
/// AES-GCM carries at the start of the payload data (RFC 4106 §3.1). Nothing is copied or allocated.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
/// |               Security Parameters Index (SPI)                 | ^ authenticated
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | (as AAD)
/// |                      Sequence Number                          | v
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
/// |            Explicit IV (8 bytes, RFC 4106 §3.1)               |
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
/// |                    Payload Data (variable)                    | ^
/// ~                                                               ~ |
/// |               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | encrypted
/// |               |     Padding (0-255 bytes)                     | |
/// +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
/// |                               |  Pad Length   | Next Header   | v
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
/// |         Integrity Check Value (ICV, 8, 12 or 16 bytes)        |
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

    /// <summary>Length of the explicit IV of the AES-GCM transforms (RFC 4106 §3.1).</summary>
    internal const int IvLength = 8;

    /// <summary>SPI, sequence number and explicit IV: the bytes in front of the encrypted payload.</summary>
    internal const int Length = IvOffset + IvLength;

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

    /// <summary>The explicit IV as a big-endian counter value.</summary>
    internal ulong Iv
    {
        get => BinaryPrimitives.ReadUInt64BigEndian(_bytes[IvOffset..]);
        set => BinaryPrimitives.WriteUInt64BigEndian(_bytes[IvOffset..], value);
    }

    /// <summary>The explicit IV's bytes.</summary>
    internal ReadOnlySpan<byte> IvBytes => _bytes.Slice(IvOffset, IvLength);

    /// <summary>A view over the first <see cref="Length"/> bytes of <paramref name="bytes"/>; false when there are fewer.</summary>
    internal static bool TryCreate(Span<byte> bytes, out EspHeader header)
    {
        if (bytes.Length < Length)
        {
            header = default;
            return false;
        }

        header = new EspHeader(bytes[..Length]);
        return true;
    }
}

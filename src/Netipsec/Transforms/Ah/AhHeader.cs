using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.Transforms.Ah;

/// <summary>The layout of the AH header (RFC 4302 §2) and the arithmetic of its length; the fields are read and written in place.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Header   |  Payload Len  |          RESERVED             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Security Parameters Index (SPI)               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Sequence Number Field                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |        IV (AES-GMAC only, 8 bytes, RFC 4543 §3.1)             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                Integrity Check Value-ICV (variable)           |
/// |                (+ padding to 4 bytes for IPv4, 8 for IPv6)    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Payload Len is the header length in 32-bit words minus 2 (RFC 4302 §2.2).
/// </remarks>
internal static class AhHeader
{
    internal const int NextHeaderOffset = 0;
    internal const int PayloadLengthOffset = 1;
    internal const int ReservedOffset = 2;
    internal const int SpiOffset = 4;
    internal const int SequenceNumberOffset = 8;

    /// <summary>Next header, payload length, reserved, SPI and sequence number: the bytes in front of the IV and ICV.</summary>
    internal const int FixedLength = 12;

    /// <summary>The largest header Payload Len can state: (255 + 2) words.</summary>
    internal const int MaxLength = (byte.MaxValue + 2) * 4;

    private const int Ipv4Alignment = 4;
    private const int Ipv6Alignment = 8;
    private const int WordLength = 4;
    private const int UncountedWords = 2;

    /// <summary>The header length for an IV and ICV of these sizes, padded as RFC 4302 §3.3.3.2.1 asks for <paramref name="version"/>.</summary>
    internal static int Length(IpVersion version, int ivLength, int icvLength)
    {
        int alignment = version == IpVersion.V6 ? Ipv6Alignment : Ipv4Alignment;
        int unpadded = FixedLength + ivLength + icvLength;
        return (unpadded + alignment - 1) / alignment * alignment;
    }

    /// <summary>The header length its Payload Len field states; 0 when <paramref name="header"/> is shorter than the fixed part.</summary>
    internal static int StatedLength(ReadOnlySpan<byte> header) =>
        header.Length < FixedLength ? 0 : (header[PayloadLengthOffset] + UncountedWords) * WordLength;

    /// <summary>Writes next header, Payload Len (from <paramref name="length"/>), a zero reserved field, SPI and the low 32 bits of the sequence number.</summary>
    internal static void Write(Span<byte> header, int length, IpProtocol nextHeader, uint spi, uint sequenceLow)
    {
        header[NextHeaderOffset] = (byte)nextHeader;
        header[PayloadLengthOffset] = (byte)(length / WordLength - UncountedWords);
        BinaryPrimitives.WriteUInt16BigEndian(header[ReservedOffset..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(header[SpiOffset..], spi);
        BinaryPrimitives.WriteUInt32BigEndian(header[SequenceNumberOffset..], sequenceLow);
    }

    /// <summary>The low 32 bits of the sequence number of the header at the start of <paramref name="header"/>.</summary>
    internal static uint ReadSequenceNumber(ReadOnlySpan<byte> header) =>
        BinaryPrimitives.ReadUInt32BigEndian(header[SequenceNumberOffset..]);
}

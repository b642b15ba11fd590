using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.Transforms.IpComp;

/// <summary>The IPComp header (RFC 3173 §2.2), read and written in place over a packet's bytes.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Header  |     Flags     | Compression Parameter Index   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// The flags are reserved: sent as zero and ignored on receipt (RFC 3173 §2.2).
/// </remarks>
internal static class IpCompHeader
{
    internal const int NextHeaderOffset = 0;
    internal const int FlagsOffset = 1;
    internal const int CpiOffset = 2;
    internal const int Length = 4;

    /// <summary>Writes the header into the first <see cref="Length"/> bytes of <paramref name="destination"/>.</summary>
    internal static void Write(Span<byte> destination, IpProtocol nextHeader, ushort cpi)
    {
        destination[NextHeaderOffset] = (byte)nextHeader;
        destination[FlagsOffset] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[CpiOffset..], cpi);
    }

    /// <summary>The next header named by the header at the start of <paramref name="header"/>.</summary>
    internal static IpProtocol ReadNextHeader(ReadOnlySpan<byte> header) => (IpProtocol)header[NextHeaderOffset];

    /// <summary>The CPI of the header at the start of <paramref name="header"/>.</summary>
    internal static ushort ReadCpi(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt16BigEndian(header[CpiOffset..]);
}

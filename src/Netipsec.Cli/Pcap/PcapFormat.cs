using System.Buffers.Binary;

namespace Netipsec.Cli.Pcap;

/// <summary>
/// The classic libpcap file format (draft-ietf-opsawg-pcap): a 24-byte file header, then per packet a 16-byte record
/// header (seconds, fraction, captured length, original length) and the captured bytes. The magic number's byte order
/// tells the file's; 0xA1B2C3D4 means microsecond fractions, 0xA1B23C4D nanoseconds.
/// </summary>
internal static class PcapFormat
{
    /// <summary>Magic of a file with microsecond timestamps, as written in the file's own byte order.</summary>
    public const uint MicrosecondMagic = 0xA1B2C3D4;

    /// <summary>Magic of a file with nanosecond timestamps.</summary>
    public const uint NanosecondMagic = 0xA1B23C4D;

    public const int FileHeaderLength = 24;

    public const int RecordHeaderLength = 16;

    public const ushort VersionMajor = 2;

    public const ushort VersionMinor = 4;

    /// <summary>The snapshot length written: what tcpdump uses, more than any IP packet.</summary>
    public const uint DefaultSnapLength = 262_144;

    /// <summary>The largest record accepted on read, whatever the header claims (tcpdump's own ceiling).</summary>
    public const int MaxRecordLength = 262_144;

    /// <summary>Reads a 32-bit field in the file's byte order.</summary>
    public static uint ReadUInt32(ReadOnlySpan<byte> source, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(source) : BinaryPrimitives.ReadUInt32LittleEndian(source);

    /// <summary>Reads a 16-bit field in the file's byte order.</summary>
    public static ushort ReadUInt16(ReadOnlySpan<byte> source, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(source) : BinaryPrimitives.ReadUInt16LittleEndian(source);
}

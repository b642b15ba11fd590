using System.Globalization;

namespace Netipsec.Cli.Pcap;

/// <summary>
/// Parses a classic libpcap file held in memory: either byte order, microsecond or nanosecond timestamps, link types
/// Ethernet and RAW. Every problem is a message naming the record and byte offset, never an exception.
/// </summary>
internal static class PcapReader
{
    /// <summary>Parses <paramref name="file"/>; false with <paramref name="error"/> saying what is wrong and where.</summary>
    public static bool TryRead(ReadOnlySpan<byte> file, out PcapCapture? capture, out string? error)
    {
        capture = null;
        if (!TryReadFileHeader(file, out bool bigEndian, out bool nanoseconds, out uint snapLength, out PcapLinkType linkType, out error))
        {
            return false;
        }

        var records = new List<PcapRecord>();
        int offset = PcapFormat.FileHeaderLength;
        while (offset < file.Length)
        {
            int number = records.Count + 1;
            if (file.Length - offset < PcapFormat.RecordHeaderLength)
            {
                error = Invariant($"record {number} at byte {offset}: truncated record header ({file.Length - offset} of {PcapFormat.RecordHeaderLength} bytes)");
                return false;
            }

            ReadOnlySpan<byte> header = file.Slice(offset, PcapFormat.RecordHeaderLength);
            uint seconds = PcapFormat.ReadUInt32(header, bigEndian);
            uint fraction = PcapFormat.ReadUInt32(header[4..], bigEndian);
            uint capturedLength = PcapFormat.ReadUInt32(header[8..], bigEndian);
            uint originalLength = PcapFormat.ReadUInt32(header[12..], bigEndian);
            if (fraction >= (nanoseconds ? 1_000_000_000u : 1_000_000u))
            {
                error = Invariant($"record {number} at byte {offset}: timestamp fraction {fraction} is not below one second");
                return false;
            }

            if (capturedLength > PcapFormat.MaxRecordLength)
            {
                error = Invariant($"record {number} at byte {offset}: captured length {capturedLength} exceeds {PcapFormat.MaxRecordLength}");
                return false;
            }

            offset += PcapFormat.RecordHeaderLength;
            if (file.Length - offset < capturedLength)
            {
                error = Invariant($"record {number} at byte {offset}: truncated packet data ({file.Length - offset} of {capturedLength} bytes)");
                return false;
            }

            byte[] data = file.Slice(offset, (int)capturedLength).ToArray();
            offset += (int)capturedLength;
            records.Add(new PcapRecord(seconds, nanoseconds ? fraction : fraction * 1000, data, originalLength));
        }

        capture = new PcapCapture(linkType, snapLength, records);
        return true;
    }

    private static bool TryReadFileHeader(
        ReadOnlySpan<byte> file, out bool bigEndian, out bool nanoseconds, out uint snapLength, out PcapLinkType linkType, out string? error)
    {
        (bigEndian, nanoseconds, snapLength, linkType, error) = (false, false, 0, default, null);
        if (file.Length < PcapFormat.FileHeaderLength)
        {
            error = Invariant($"not a pcap file: {file.Length} bytes, shorter than the {PcapFormat.FileHeaderLength}-byte file header");
            return false;
        }

        uint magic = PcapFormat.ReadUInt32(file, bigEndian: false);
        switch (magic)
        {
            case PcapFormat.MicrosecondMagic:
                break;
            case PcapFormat.NanosecondMagic:
                nanoseconds = true;
                break;
            default:
                bigEndian = true;
                magic = PcapFormat.ReadUInt32(file, bigEndian: true);
                if (magic is not (PcapFormat.MicrosecondMagic or PcapFormat.NanosecondMagic))
                {
                    error = Invariant($"not a classic pcap file: magic number 0x{PcapFormat.ReadUInt32(file, false):x8} (pcapng is not supported)");
                    return false;
                }

                nanoseconds = magic == PcapFormat.NanosecondMagic;
                break;
        }

        ushort major = PcapFormat.ReadUInt16(file[4..], bigEndian);
        if (major != PcapFormat.VersionMajor)
        {
            error = Invariant($"unsupported pcap version {major}.{PcapFormat.ReadUInt16(file[6..], bigEndian)}");
            return false;
        }

        snapLength = PcapFormat.ReadUInt32(file[16..], bigEndian);
        // The upper bits of the link-type field carry the FCS length and flags (draft-ietf-opsawg-pcap §4).
        uint link = PcapFormat.ReadUInt32(file[20..], bigEndian) & 0x0FFF_FFFF;
        if (link is not ((uint)PcapLinkType.Ethernet or (uint)PcapLinkType.Raw))
        {
            error = Invariant($"unsupported link type {link}: only Ethernet (1) and RAW (101)");
            return false;
        }

        linkType = (PcapLinkType)link;
        return true;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

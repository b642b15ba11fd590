using System.Buffers.Binary;

namespace Netipsec.Cli.Pcap;

/// <summary>Writes classic libpcap files: little-endian, microsecond timestamps (the format every tool reads).</summary>
internal static class PcapWriter
{
    /// <summary>Writes <paramref name="capture"/> to <paramref name="output"/>; nanosecond fractions are truncated to microseconds.</summary>
    public static void Write(Stream output, PcapCapture capture)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(capture);
        Span<byte> header = stackalloc byte[PcapFormat.FileHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, PcapFormat.MicrosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], PcapFormat.VersionMajor);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], PcapFormat.VersionMinor);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], 0);  // thiszone: always UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs: always 0
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], capture.SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)capture.LinkType);
        output.Write(header);

        Span<byte> record = stackalloc byte[PcapFormat.RecordHeaderLength];
        foreach (PcapRecord packet in capture.Records)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(record, packet.Seconds);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], packet.Nanoseconds / 1000);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)packet.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], packet.OriginalLength);
            output.Write(record);
            output.Write(packet.Data);
        }
    }
}

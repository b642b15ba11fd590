using System.Buffers.Binary;
using Netipsec.Cli.Pcap;

namespace Netipsec.Cli.Tests.Pcap;

/// <summary>The classic libpcap reader and writer: byte orders, timestamp resolutions, link types and corrupt files.</summary>
public sealed class PcapReaderTests
{
    private static readonly PcapRecord[] Records =
    [
        new(1_700_000_000, 123_456_000, [0x45, 0x00, 0x00, 0x14], 4),
        new(1_700_000_001, 999_999_000, [1, 2, 3], 60),
    ];

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Both_byte_orders_and_both_resolutions_read_the_same_records(bool bigEndian, bool nanoseconds)
    {
        byte[] file = Build(bigEndian, nanoseconds, PcapLinkType.Raw, Records);

        Assert.True(PcapReader.TryRead(file, out PcapCapture? capture, out string? error), error);

        Assert.Equal(PcapLinkType.Raw, capture!.LinkType);
        Assert.Equal(2, capture.Records.Count);
        for (int i = 0; i < Records.Length; i++)
        {
            Assert.Equal((Records[i].Seconds, Records[i].Nanoseconds, Records[i].OriginalLength), (capture.Records[i].Seconds, capture.Records[i].Nanoseconds, capture.Records[i].OriginalLength));
            Assert.Equal(Records[i].Data, capture.Records[i].Data);
        }

        Assert.False(capture.Records[1].IsComplete);
    }

    [Fact]
    public void The_writer_writes_microsecond_little_endian_files_that_read_back_and_write_again_identically()
    {
        var capture = new PcapCapture(PcapLinkType.Ethernet, 65535, Records);
        using var first = new MemoryStream();
        PcapWriter.Write(first, capture);
        byte[] bytes = first.ToArray();

        Assert.Equal(Build(bigEndian: false, nanoseconds: false, PcapLinkType.Ethernet, Records, snapLength: 65535), bytes);
        Assert.True(PcapReader.TryRead(bytes, out PcapCapture? read, out _));
        using var second = new MemoryStream();
        PcapWriter.Write(second, read!);
        Assert.Equal(bytes, second.ToArray());
    }

    public static TheoryData<string, byte[], string> CorruptFiles
    {
        get
        {
            byte[] good = Build(false, false, PcapLinkType.Raw, Records);
            byte[] badFraction = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(badFraction.AsSpan(24 + 4), 1_000_000);
            byte[] huge = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(24 + 8), uint.MaxValue);
            byte[] linkType = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(linkType.AsSpan(20), 105);
            byte[] version = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(version.AsSpan(4), 1);
            return new()
            {
                { "empty", [], "not a pcap file: 0 bytes, shorter than the 24-byte file header" },
                { "pcapng", [0x0A, 0x0D, 0x0D, 0x0A, .. new byte[20]], "not a classic pcap file: magic number 0x0a0d0d0a (pcapng is not supported)" },
                { "version", version, "unsupported pcap version 1.4" },
                { "link type", linkType, "unsupported link type 105: only Ethernet (1) and RAW (101)" },
                { "cut record header", good[..(24 + 10)], "record 1 at byte 24: truncated record header (10 of 16 bytes)" },
                { "cut data", good[..^1], "record 2 at byte 60: truncated packet data (2 of 3 bytes)" },
                { "fraction", badFraction, "record 1 at byte 24: timestamp fraction 1000000 is not below one second" },
                { "huge record", huge, "record 1 at byte 24: captured length 4294967295 exceeds 262144" },
            };
        }
    }

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void A_corrupt_file_is_refused_with_a_message_saying_where(string name, byte[] file, string expected)
    {
        _ = name;
        Assert.False(PcapReader.TryRead(file, out PcapCapture? capture, out string? error));
        Assert.Null(capture);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Every_prefix_of_a_file_is_read_or_refused_without_an_exception()
    {
        byte[] good = Build(true, true, PcapLinkType.Ethernet, Records);
        int[] recordBoundaries = [24, 24 + 16 + 4, 24 + 16 + 4 + 16 + 3];
        Assert.Equal(recordBoundaries[^1], good.Length);
        for (int length = 0; length <= good.Length; length++)
        {
            bool read = PcapReader.TryRead(good.AsSpan(0, length), out _, out string? error);
            Assert.Equal(recordBoundaries.Contains(length), read);
            Assert.Equal(read, error is null);
        }
    }

    /// <summary>A pcap file written field by field, in either byte order and resolution.</summary>
    internal static byte[] Build(bool bigEndian, bool nanoseconds, PcapLinkType linkType, IEnumerable<PcapRecord> records, uint snapLength = 262_144)
    {
        var bytes = new List<byte>();
        void U32(uint value)
        {
            byte[] field = new byte[4];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(field, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(field, value);
            }

            bytes.AddRange(field);
        }

        U32(nanoseconds ? 0xA1B23C4Du : 0xA1B2C3D4u);
        U32(bigEndian ? 0x0002_0004u : 0x0004_0002u); // major 2, minor 4 as two 16-bit fields
        U32(0);
        U32(0);
        U32(snapLength);
        U32((uint)linkType);
        foreach (PcapRecord record in records)
        {
            U32(record.Seconds);
            U32(nanoseconds ? record.Nanoseconds : record.Nanoseconds / 1000);
            U32((uint)record.Data.Length);
            U32(record.OriginalLength);
            bytes.AddRange(record.Data);
        }

        return [.. bytes];
    }
}

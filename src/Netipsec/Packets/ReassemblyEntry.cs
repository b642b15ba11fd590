using System.Numerics;

namespace Netipsec.Packets;

/// <summary>
/// One datagram being reassembled: the pooled packet its fragments are copied into, which 8-byte blocks have
/// arrived, and what is known of its first and last fragments. Entries are reused (<see cref="IpReassembler"/> keeps
/// spares), so the block map is allocated once per entry, not per datagram. Guarded by the reassembler's lock.
/// </summary>
/// <remarks>
/// The buffer's data is [unfragmentable part, once the first fragment came][data from offset 0 to the furthest
/// fragment's end]; bytes of holes are unspecified.
/// </remarks>
internal sealed class ReassemblyEntry
{
    private const int BlockSize = 8;

    // Every offset + length is checked to stay within 65535 first, so 8192 blocks cover any datagram.
    private const int BlockCount = (FragmentDescriptor.MaxDatagramLength + BlockSize) / BlockSize;
    private const int BitsPerWord = 64;

    private readonly ulong[] _received = new ulong[BlockCount / BitsPerWord];

    public ReassemblyKey Key { get; private set; }

    public IpVersion Version { get; private set; }

    /// <summary>The reassembly buffer, owned by the entry while it is in progress.</summary>
    public Packet Buffer { get; private set; } = null!;

    /// <summary>When the datagram times out, as a <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    public long Deadline { get; private set; }

    /// <summary>Length of the unfragmentable part at the front of <see cref="Buffer"/>; 0 until the first fragment came.</summary>
    public int HeaderLength { get; set; }

    /// <summary>True once the fragment at offset 0 was copied in.</summary>
    public bool HasFirst { get; set; }

    /// <summary>The datagram's data length, known from its last fragment (MF clear); -1 until then.</summary>
    public int End { get; set; }

    /// <summary>Data bytes received; with no overlaps allowed, the datagram is whole when this reaches <see cref="End"/>.</summary>
    public int ReceivedBytes { get; set; }

    /// <summary>How far the data in <see cref="Buffer"/> reaches: the furthest end of a fragment seen so far.</summary>
    public int DataExtent => Buffer.Length - HeaderLength;

    /// <summary>The neighbours in the reassembler's age queue.</summary>
    public ReassemblyEntry? Older { get; set; }

    public ReassemblyEntry? Newer { get; set; }

    /// <summary>Starts a new datagram in this (fresh or spare) entry.</summary>
    public void Start(ReassemblyKey key, IpVersion version, Packet buffer, long deadline)
    {
        Key = key;
        Version = version;
        Buffer = buffer;
        Deadline = deadline;
        HeaderLength = 0;
        HasFirst = false;
        End = -1;
        ReceivedBytes = 0;
        Older = null;
        Newer = null;
        Array.Clear(_received);
    }

    /// <summary>Forgets the buffer (after it was returned or handed out), so a spare entry holds no packet.</summary>
    public void Release() => Buffer = null!;

    /// <summary>Number of the 8-byte blocks touched by data bytes [start, end) that have arrived already.</summary>
    public int CountReceivedBlocks(int start, int end)
    {
        int count = 0;
        for (int block = start / BlockSize, last = BlockEnd(end); block < last;)
        {
            int take = Math.Min(BitsPerWord - (block % BitsPerWord), last - block);
            count += BitOperations.PopCount(_received[block / BitsPerWord] & Mask(block, take));
            block += take;
        }

        return count;
    }

    /// <summary>Number of the 8-byte blocks that data bytes [start, end) touch.</summary>
    public static int BlocksSpanned(int start, int end) => BlockEnd(end) - (start / BlockSize);

    /// <summary>Records that data bytes [start, end) have arrived.</summary>
    public void MarkReceived(int start, int end)
    {
        for (int block = start / BlockSize, last = BlockEnd(end); block < last;)
        {
            int take = Math.Min(BitsPerWord - (block % BitsPerWord), last - block);
            _received[block / BitsPerWord] |= Mask(block, take);
            block += take;
        }
    }

    private static int BlockEnd(int end) => (end + BlockSize - 1) / BlockSize;

    /// <summary>The bits of <paramref name="take"/> blocks from <paramref name="block"/> within its word.</summary>
    private static ulong Mask(int block, int take) =>
        (take == BitsPerWord ? ulong.MaxValue : (1UL << take) - 1) << (block % BitsPerWord);
}

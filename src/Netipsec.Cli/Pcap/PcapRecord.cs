namespace Netipsec.Cli.Pcap;

/// <summary>One packet record of a capture.</summary>
/// <param name="Seconds">Capture time, seconds since the Unix epoch.</param>
/// <param name="Nanoseconds">The fraction of the second, in nanoseconds (microsecond files are scaled up).</param>
/// <param name="Data">The captured bytes (incl_len of them).</param>
/// <param name="OriginalLength">The length of the packet on the wire (orig_len); more than the data when the capture cut it.</param>
internal sealed record PcapRecord(uint Seconds, uint Nanoseconds, byte[] Data, uint OriginalLength)
{
    /// <summary>True when the capture holds the whole packet.</summary>
    public bool IsComplete => OriginalLength <= (uint)Data.Length;

    /// <summary>The same time with other bytes, complete: what a rewritten packet is recorded as.</summary>
    public PcapRecord WithData(byte[] data) => this with { Data = data, OriginalLength = (uint)data.Length };
}

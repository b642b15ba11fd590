using Netipsec.Engine;
using Netipsec.Packets;

namespace Netipsec.Cli.Pcap;

/// <summary>
/// <c>netipsec pcap decrypt</c>: replaces each ESP, AH or IPComp packet of a capture (ESP-in-UDP too, where the
/// engine decapsulates it) by what the engine's Rx path recovers with the configured SAs — in transport mode the
/// original packet, in tunnel mode the inner one — and leaves every other frame as it was. Packets go through the
/// SAs in capture order, so replays, forgeries and unknown SPIs are found as a receiver would find them.
/// </summary>
/// <remarks>
/// Policies play no part (the Rx path runs without its inbound policy check): a capture is observed, not received.
/// A packet the engine drops is kept unchanged and reported; outer fragments are replaced by the reassembled,
/// decrypted packet at the place of the fragment that completed it; TFC dummy packets are removed and reported.
/// </remarks>
internal sealed class CaptureDecryptor : IXfrmInputSink
{
    private const ushort NatTraversalPort = 4500; // RFC 3948

    private readonly XfrmEngine _engine;
    private readonly XfrmInput _input;
    private readonly PacketPool _pool = new(64, headroom: 0);
    private byte[]? _delivered;

    public CaptureDecryptor(KeyedEngine keyed)
    {
        ArgumentNullException.ThrowIfNull(keyed);
        _engine = keyed.Engine;
        _input = new XfrmInput(_engine, this, checkPolicy: false);
    }

    /// <summary>Decrypts <paramref name="capture"/>; what could not be decrypted goes to <paramref name="report"/>, one line per packet.</summary>
    public PcapCapture Decrypt(PcapCapture capture, PacketReport report)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(report);
        var records = new List<PcapRecord>(capture.Records.Count);
        for (int i = 0; i < capture.Records.Count; i++)
        {
            PcapRecord record = capture.Records[i];
            if (!LinkFrame.TryFindIp(capture.LinkType, record.Data, out int offset, out int length)
                || !IsForTheRxPath(record.Data.AsSpan(offset, length)))
            {
                records.Add(record);
                continue;
            }

            if (!record.IsComplete)
            {
                report.Failed(i, "truncated by the snapshot length", "cut short by the capture's snapshot length, left as it is");
                records.Add(record);
                continue;
            }

            long[] before = _engine.Statistics.Snapshot();
            _delivered = null;
            XfrmVerdict verdict = _input.Input(CaptureBuffers.Rent(_pool, record.Data.AsSpan(offset, length)));
            switch (verdict)
            {
                case XfrmVerdict.Passed:
                    records.Add(_delivered.AsSpan().SequenceEqual(record.Data.AsSpan(offset, length))
                        ? record
                        : record.WithData(LinkFrame.Rebuild(capture.LinkType, record.Data, offset, _delivered)));
                    break;
                case XfrmVerdict.Reassembling:
                    break; // the decrypted datagram takes the place of its last fragment
                case XfrmVerdict.Dummy:
                    report.Note(i, "TFC dummy packet (next header 59), removed");
                    break;
                default:
                    string reason = CaptureBuffers.DropReasonSince(_engine.Statistics, before);
                    report.Failed(i, reason, "not decrypted, left as it is: " + reason);
                    records.Add(record);
                    break;
            }
        }

        return capture with { Records = records };
    }

    void IXfrmInputSink.Deliver(Packet packet)
    {
        _delivered = packet.Data.ToArray();
        packet.Pool.Return(packet);
    }

    /// <summary>What the Rx path may change: IPsec (50, 51, 108), UDP to or from port 4500 (RFC 3948) and IP-in-IP (an IPComp tunnel's uncompressed packets).</summary>
    private static bool IsForTheRxPath(ReadOnlySpan<byte> ip) =>
        FlowExtractor.TryExtract(ip, 0, out Flow flow, out _)
        && (flow.Protocol is IpProtocol.Esp or IpProtocol.Ah or IpProtocol.IpComp or IpProtocol.IpInIp or IpProtocol.Ipv6
            || (flow.Protocol == IpProtocol.Udp && (flow.SourcePort == NatTraversalPort || flow.DestinationPort == NatTraversalPort)));
}

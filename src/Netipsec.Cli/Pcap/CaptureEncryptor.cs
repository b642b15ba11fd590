using Netipsec.Engine;
using Netipsec.Packets;

namespace Netipsec.Cli.Pcap;

/// <summary>
/// <c>netipsec pcap encrypt</c>: runs each IP packet of a capture through the engine's Tx path. Packets an outbound
/// policy covers leave transformed by its SAs (sequence numbers from 1, in capture order); the rest stay as they were.
/// </summary>
/// <remarks>
/// The link is as large as an IP packet, so nothing is refused for its size; a result too big for IPv4 without DF is
/// written as its fragments, each a record with the original's time. A covered packet the engine drops (no SA, a block
/// policy) is kept unchanged and reported.
/// </remarks>
internal sealed class CaptureEncryptor : IXfrmOutputSink
{
    private readonly XfrmEngine _engine;
    private readonly XfrmOutput _output;
    private readonly PacketPool _pool = new(64);
    private readonly List<byte[]> _transmitted = [];

    public CaptureEncryptor(KeyedEngine keyed)
    {
        ArgumentNullException.ThrowIfNull(keyed);
        _engine = keyed.Engine;
        _output = new XfrmOutput(_engine, this, new XfrmOutputOptions { LinkMtu = ushort.MaxValue });
    }

    /// <summary>Encrypts <paramref name="capture"/>; packets left unencrypted for a reason go to <paramref name="report"/>.</summary>
    public PcapCapture Encrypt(PcapCapture capture, PacketReport report)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(report);
        var records = new List<PcapRecord>(capture.Records.Count);
        for (int i = 0; i < capture.Records.Count; i++)
        {
            PcapRecord record = capture.Records[i];
            if (!LinkFrame.TryFindIp(capture.LinkType, record.Data, out int offset, out int length) || !record.IsComplete)
            {
                records.Add(record);
                continue;
            }

            long[] before = _engine.Statistics.Snapshot();
            _transmitted.Clear();
            XfrmVerdict verdict = _output.Output(CaptureBuffers.Rent(_pool, record.Data.AsSpan(offset, length)));
            if (verdict == XfrmVerdict.Passed)
            {
                records.AddRange(_transmitted.Select(ip => record.WithData(LinkFrame.Rebuild(capture.LinkType, record.Data, offset, ip))));
                continue;
            }

            if (verdict != XfrmVerdict.Bypassed)
            {
                string reason = CaptureBuffers.DropReasonSince(_engine.Statistics, before);
                report.Failed(i, reason, "not encrypted, left as it is: " + reason);
            }

            records.Add(record);
        }

        return capture with { Records = records };
    }

    void IXfrmOutputSink.Transmit(Packet packet)
    {
        _transmitted.Add(packet.Data.ToArray());
        packet.Pool.Return(packet);
    }

    void IXfrmOutputSink.ReturnToSender(Packet icmpError) => icmpError.Pool.Return(icmpError);
}

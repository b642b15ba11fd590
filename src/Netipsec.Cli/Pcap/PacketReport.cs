using System.Globalization;

namespace Netipsec.Cli.Pcap;

/// <summary>
/// What the pcap tool says about single packets: a line per packet on the error writer ("packet 7: ..."), and for
/// the packets it could not process a count per reason, summed up at the end ("3 XfrmInStateProtoError, 1
/// XfrmInNoStates") and deciding the exit code.
/// </summary>
internal sealed class PacketReport(TextWriter writer)
{
    private readonly SortedDictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>Packets that could not be processed, over all reasons.</summary>
    public int Failures => _failures.Values.Sum();

    /// <summary>A packet left as it was because of <paramref name="reason"/>; <paramref name="text"/> says what happened.</summary>
    public void Failed(int index, string reason, string text)
    {
        _failures[reason] = _failures.GetValueOrDefault(reason) + 1;
        Note(index, text);
    }

    /// <summary>Something worth telling about a packet that is no failure (a TFC dummy removed).</summary>
    public void Note(int index, string text) =>
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"packet {index + 1}: {text}"));

    /// <summary>Writes the count per reason when any packet failed; true when none did.</summary>
    public bool Summarize(string verb)
    {
        if (_failures.Count == 0)
        {
            return true;
        }

        string counts = string.Join(", ", _failures.Select(static pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Value} {pair.Key}")));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"netipsec: {Failures} packet(s) not {verb}: {counts}"));
        return false;
    }
}

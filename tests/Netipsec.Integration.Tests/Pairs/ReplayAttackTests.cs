using System.Diagnostics;
using System.Globalization;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// A replay attack on the wire: an ESP packet captured on the east veth (tcpdump) is sent again from the west veth
/// (scapy), several times; the east daemon's anti-replay window (RFC 4303 §3.4.3) must drop every copy.
/// </summary>
[Collection(GatewayPairGroup.Name)]
public sealed class ReplayAttackTests(AntiReplayPair pair) : IClassFixture<AntiReplayPair>
{
    private const int Copies = 3;

    // Sends the first packet of a capture out of an interface, COUNT times, as it was captured (Ethernet and all).
    private const string Inject = """
        import sys
        from scapy.all import rdpcap, sendp
        packet = rdpcap(sys.argv[1])[0]
        sendp(packet, iface=sys.argv[2], count=int(sys.argv[3]), verbose=False)
        """;

    [ToolFact("tcpdump", "scapy")]
    public void Captured_ESP_sent_again_is_dropped_as_a_replay_once_per_copy_and_never_delivered()
    {
        string capture = Path.Combine(pair.Directory, "esp.pcap");
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "netns", "exec", pair.East.Name, "tcpdump", "-i", pair.EastVeth, "-c", "1", "-U", "-w", capture, "esp and src host 192.0.2.1" })
        {
            start.ArgumentList.Add(argument);
        }

        using (Process tcpdump = Process.Start(start)!)
        {
            // Pings until tcpdump (which needs a moment to listen) has caught one ESP packet from west.
            Assert.True(
                Shell.Eventually(() => { Shell.InNamespace(pair.West.Name, "ping", "-c", "1", "-W", "1", "-I", "10.1.0.1", "10.2.0.1"); return tcpdump.HasExited; }),
                "tcpdump caught no ESP packet:\n" + pair.WestDaemon.Query("stats"));
            Assert.True(tcpdump.ExitCode == 0, tcpdump.StandardError.ReadToEnd());
        }

        var watch = new CounterWatch(pair);
        (int code, string output) = Shell.InNamespace(pair.West.Name, Prerequisites.Python, "-c", Inject, capture, pair.WestVeth, Copies.ToString(CultureInfo.InvariantCulture));
        Assert.True(code == 0, output);

        Assert.True(Shell.Eventually(() => watch.East("WireReceived") >= Copies), pair.EastDaemon.Query("stats"));
        Assert.Equal(Copies, watch.East("XfrmInStateSeqError"));
        Assert.Equal(Copies, watch.East("EspReplay"));
        Assert.Equal(0, watch.East("TunWritten")); // the echo request inside was not delivered again...
        Assert.Equal(0, watch.East("WireSent")); // ...so nothing was answered
        Assert.Equal(0, watch.East("XfrmInStateProtoError")); // the copies were authentic, only old

        // The SA still works after the attack.
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// netipsecd against a peer that is not Netipsec: scapy's own ESP (Peers/scapy_peer.py) in the east namespace holds
/// the other end of the tunnel-mode SAs. Either the peer pings the daemon's site (netipsecd decrypts, the kernel
/// answers, scapy decrypts the encrypted replies), or the daemon's site pings the peer (scapy decrypts what
/// netipsecd encrypted and answers it encrypted).
/// </summary>
internal static class ScapyPeer
{
    public static void PingsTheDaemonSite(GatewayPair pair, uint westToEast, uint eastToWest, bool inUdp)
    {
        var watch = new CounterWatch(pair);

        string result = Run(pair, westToEast, eastToWest, inUdp, answer: 0, ping: 3, whileListening: null);

        Assert.Contains("answered 0 replies 3", result, StringComparison.Ordinal);
        AssertThreeEchoesEachWay(watch);
    }

    public static void AnswersPingsFromTheDaemonSite(GatewayPair pair, uint westToEast, uint eastToWest, bool inUdp)
    {
        var watch = new CounterWatch(pair);

        // scapy answers slowly on a loaded machine: a generous per-reply wait, and every request must be answered.
        (int Code, string Output) ping = (-1, "no ping ran");
        string result = Run(pair, westToEast, eastToWest, inUdp, answer: 3, ping: 0, whileListening: () =>
            ping = Shell.InNamespace(pair.West.Name, "ping", "-c", "3", "-W", "10", "-I", "10.1.0.1", "10.2.0.1"));

        Assert.True(ping.Code == 0 && ping.Output.Contains("3 received", StringComparison.Ordinal), $"{ping.Output}\npeer: {result}");
        Assert.Contains("answered 3 replies 0", result, StringComparison.Ordinal);
        AssertThreeEchoesEachWay(watch);
    }

    /// <summary>3 requests and 3 replies went through the daemon's two SAs, one way or the other, without an inbound error.</summary>
    private static void AssertThreeEchoesEachWay(CounterWatch watch)
    {
        Assert.Equal(6, watch.West("EspPackets"));
        Assert.Equal(3, watch.West("TunWritten"));
        Assert.Equal(0, watch.West("XfrmInStateProtoError"));
        Assert.Equal(0, watch.West("XfrmInNoStates"));
    }

    /// <summary>
    /// Runs the peer until it answered <paramref name="answer"/> requests and got <paramref name="ping"/> replies,
    /// with <paramref name="whileListening"/> run once it listens; its output (it must exit 0).
    /// </summary>
    private static string Run(GatewayPair pair, uint westToEast, uint eastToWest, bool inUdp, int answer, int ping, Action? whileListening)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            "netns", "exec", pair.East.Name, Prerequisites.Python, Path.Combine(AppContext.BaseDirectory, "Peers", "scapy_peer.py"),
            "--iface", pair.EastVeth, "--local", "192.0.2.2", "--remote", "192.0.2.1", "--inner", "10.2.0.1", "--target", "10.1.0.1",
            "--spi-in", Hex(westToEast), "--key-in", SiteConfig.Key(westToEast), "--spi-out", Hex(eastToWest), "--key-out", SiteConfig.Key(eastToWest),
            "--answer", answer.ToString(CultureInfo.InvariantCulture), "--ping", ping.ToString(CultureInfo.InvariantCulture), "--timeout=40", inUdp ? "--natt" : "--raw",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using Process peer = Process.Start(start)!;
        try
        {
            var output = new StringBuilder();
            Task<string> errors = peer.StandardError.ReadToEndAsync();
            string? line;
            while ((line = peer.StandardOutput.ReadLine()) is not null && line != "ready")
            {
                output.AppendLine(line);
            }

            if (line != "ready")
            {
                // Only here may the message wait for the peer's stderr: that read ends when the peer exits, so a
                // message built eagerly would hold the test until the peer gave up, and the traffic for it came too late.
                Assert.Fail("the scapy peer never listened: " + output + errors.Result);
            }

            whileListening?.Invoke();
            if (!peer.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                peer.Kill();
            }

            peer.WaitForExit();
            string result = peer.StandardOutput.ReadToEnd() + errors.Result;
            Assert.True(peer.ExitCode == 0, $"peer: {result}\nwest:\n{pair.WestDaemon.Query("stats")}{pair.WestDaemon.Output}");
            return result;
        }
        finally
        {
            if (!peer.HasExited)
            {
                peer.Kill();
                peer.WaitForExit();
            }
        }
    }

    private static string Hex(uint spi) => "0x" + spi.ToString("x", CultureInfo.InvariantCulture);
}

/// <summary>scapy's ESP as the peer, raw ESP (IP protocol 50).</summary>
[Collection(GatewayPairGroup.Name)]
public sealed class ScapyPeerTests(ForeignPeerPair pair) : IClassFixture<ForeignPeerPair>
{
    [ToolFact("scapy")]
    public void A_scapy_ESP_peer_pings_through_netipsecd_and_decrypts_its_replies() => ScapyPeer.PingsTheDaemonSite(pair, 0x8001, 0x8002, inUdp: false);

    [ToolFact("scapy")]
    public void A_scapy_ESP_peer_decrypts_pings_from_netipsecds_site_and_answers_them() => ScapyPeer.AnswersPingsFromTheDaemonSite(pair, 0x8001, 0x8002, inUdp: false);
}

/// <summary>scapy's ESP as the peer, ESP in UDP port 4500 (RFC 3948).</summary>
[Collection(GatewayPairGroup.Name)]
public sealed class ScapyUdpPeerTests(ForeignUdpPeerPair pair) : IClassFixture<ForeignUdpPeerPair>
{
    [ToolFact("scapy")]
    public void A_scapy_ESP_in_UDP_peer_pings_through_netipsecd_and_decrypts_its_replies() => ScapyPeer.PingsTheDaemonSite(pair, 0x8101, 0x8102, inUdp: true);

    [ToolFact("scapy")]
    public void A_scapy_ESP_in_UDP_peer_decrypts_pings_from_netipsecds_site_and_answers_them() => ScapyPeer.AnswersPingsFromTheDaemonSite(pair, 0x8101, 0x8102, inUdp: true);
}

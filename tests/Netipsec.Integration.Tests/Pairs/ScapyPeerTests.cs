using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// netipsecd against a peer that is not Netipsec: scapy's own ESP (Peers/scapy_peer.py) in the east namespace holds
/// the other end of the tunnel-mode SAs and pings the daemon's site; netipsecd decrypts, the kernel answers, and
/// scapy decrypts the encrypted replies.
/// </summary>
/// <remarks>
/// Unfinished: the other direction (ping from the daemon's site, answered by the peer) fails — the daemon counts
/// the three requests as sent (WireSent), yet the peer's sniffer on the east veth never decrypts them, while it
/// decrypts the replies on the same SA. Not yet understood; the peer's --answer stays 0 here until it is.
/// </remarks>
internal static class ScapyPeer
{
    public static void PingsTheDaemonSite(GatewayPair pair, uint westToEast, uint eastToWest, bool inUdp)
    {
        var watch = new CounterWatch(pair);
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            "netns", "exec", pair.East.Name, Prerequisites.Python, Path.Combine(AppContext.BaseDirectory, "Peers", "scapy_peer.py"),
            "--iface", pair.EastVeth, "--local", "192.0.2.2", "--remote", "192.0.2.1", "--inner", "10.2.0.1", "--target", "10.1.0.1",
            "--spi-in", Hex(westToEast), "--key-in", SiteConfig.Key(westToEast), "--spi-out", Hex(eastToWest), "--key-out", SiteConfig.Key(eastToWest),
            "--answer", "0", "--ping", "3", inUdp ? "--natt" : "--timeout=30",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using Process peer = Process.Start(start)!;
        var output = new StringBuilder();
        Task<string> errors = peer.StandardError.ReadToEndAsync();
        string? line;
        while ((line = peer.StandardOutput.ReadLine()) is not null && line != "ready")
        {
            output.AppendLine(line);
        }

        Assert.True(line == "ready", "the scapy peer never listened: " + output + errors.Result);

        if (!peer.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            peer.Kill();
        }

        peer.WaitForExit();
        string result = peer.StandardOutput.ReadToEnd() + errors.Result;
        string context = $"peer: {result}\nwest:\n{pair.WestDaemon.Query("stats")}{pair.WestDaemon.Output}";
        Assert.True(peer.ExitCode == 0, context);
        Assert.Contains("answered 0 replies 3", result, StringComparison.Ordinal);

        // 3 requests came in and 3 replies went out through the daemon's two SAs.
        Assert.Equal(6, watch.West("EspPackets"));
        Assert.Equal(3, watch.West("TunWritten"));
        Assert.Equal(0, watch.West("XfrmInStateProtoError"));
        Assert.Equal(0, watch.West("XfrmInNoStates"));
    }

    private static string Hex(uint spi) => "0x" + spi.ToString("x", CultureInfo.InvariantCulture);
}

/// <summary>scapy's ESP as the peer, raw ESP (IP protocol 50).</summary>
[Collection(GatewayPairGroup.Name)]
public sealed class ScapyPeerTests(ForeignPeerPair pair) : IClassFixture<ForeignPeerPair>
{
    [ToolFact("scapy")]
    public void A_scapy_ESP_peer_pings_through_netipsecd_and_decrypts_its_replies() => ScapyPeer.PingsTheDaemonSite(pair, 0x8001, 0x8002, inUdp: false);
}

/// <summary>scapy's ESP as the peer, ESP in UDP port 4500 (RFC 3948).</summary>
[Collection(GatewayPairGroup.Name)]
public sealed class ScapyUdpPeerTests(ForeignUdpPeerPair pair) : IClassFixture<ForeignUdpPeerPair>
{
    [ToolFact("scapy")]
    public void A_scapy_ESP_in_UDP_peer_pings_through_netipsecd_and_decrypts_its_replies() => ScapyPeer.PingsTheDaemonSite(pair, 0x8101, 0x8102, inUdp: true);
}

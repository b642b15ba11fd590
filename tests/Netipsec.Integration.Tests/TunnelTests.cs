using System.Diagnostics;
using System.Globalization;

namespace Netipsec.Integration.Tests;

/// <summary>Real packets through two netipsecd gateways: the kernel routes each site's traffic into a TUN, the daemons carry it as ESP over the veth.</summary>
public sealed class TunnelTests(TwoSites sites) : IClassFixture<TwoSites>
{
    [NetnsFact]
    public void Ping_crosses_the_tunnel_both_ways()
    {
        (int code, string output) = Shell.InNamespace(sites.West.Name, "ping", "-c", "3", "-W", "3", "-I", "10.1.0.1", "10.2.0.1");
        Assert.True(code == 0, output + "\n" + sites.WestDaemon.Output);
        (code, output) = Shell.InNamespace(sites.East.Name, "ping", "-c", "3", "-W", "3", "-I", "10.2.0.1", "10.1.0.1");
        Assert.True(code == 0, output + "\n" + sites.EastDaemon.Output);
    }

    [NetnsFact]
    public void Ping_crosses_the_IPv6_tunnel_whose_raw_socket_delivers_no_header()
    {
        Assert.True(Shell.Eventually(() => sites.West.Routes6().Contains($"2001:db8:2::/64 dev {TwoSites.WestTun}", StringComparison.Ordinal)), sites.West.Routes6());
        (int code, string output) = Shell.InNamespace(sites.West.Name, "ping", "-6", "-c", "3", "-W", "3", "-I", "2001:db8:1::1", "2001:db8:2::1");

        Assert.True(code == 0, output + "\n" + sites.WestDaemon.Output + sites.EastDaemon.Query("stats"));
        Assert.Contains("proto esp spi 0x00003003", sites.EastDaemon.Query("show state"), StringComparison.Ordinal);
    }

    [NetnsFact]
    public void A_TCP_transfer_arrives_whole_as_ESP_and_the_counters_show_it()
    {
        const int Bytes = 8 * 1024 * 1024;
        long before = Counter(sites.EastDaemon.Query("stats"), "EspPackets");
        var serverStart = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "netns", "exec", sites.East.Name, Prerequisites.Python, "-c", TcpServer })
        {
            serverStart.ArgumentList.Add(argument);
        }

        using Process server = Process.Start(serverStart)!;
        (int code, string sent) = Shell.InNamespace(sites.West.Name, Prerequisites.Python, "-c", TcpClient.Replace("BYTES", Bytes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        if (!server.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            server.Kill();
        }

        string received = server.StandardOutput.ReadToEnd().Trim();
        Assert.True(code == 0, sent + "\n" + server.StandardError.ReadToEnd() + sites.WestDaemon.Output);
        Assert.Equal($"{Bytes} {sent.Trim()}", received); // every byte, in order: same length and SHA-256

        string east = sites.EastDaemon.Query("stats");
        string west = sites.WestDaemon.Query("stats");
        Assert.True(Counter(east, "EspPackets") - before >= Bytes / 1400, east); // every segment came through an SA
        Assert.True(Counter(west, "TunRead") > 0 && Counter(west, "WireSent") > 0, west);
        Assert.True(Counter(east, "WireReceived") > 0 && Counter(east, "TunWritten") > 0, east);
        foreach (string counter in new[] { "XfrmInNoStates", "XfrmInStateProtoError", "XfrmInStateSeqError", "XfrmInTmplMismatch", "XfrmInNoPols", "EspIntegrityFailed", "WireMalformed" })
        {
            Assert.Equal(0, Counter(east, counter));
        }
    }

    // A TCP sink on the east site: prints the length and SHA-256 of everything it received.
    private const string TcpServer = """
        import hashlib, socket
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("10.2.0.1", 5201))
        s.listen(1)
        s.settimeout(60)
        c, _ = s.accept()
        h, n = hashlib.sha256(), 0
        while True:
            d = c.recv(65536)
            if not d:
                break
            h.update(d)
            n += len(d)
        print(n, h.hexdigest())
        """;

    // The west site's sender: BYTES of patterned data from 10.1.0.1, retrying the connect until the sink listens.
    private const string TcpClient = """
        import hashlib, socket, time
        data = bytes((i * 31 + 7) & 255 for i in range(BYTES))
        for attempt in range(50):
            try:
                s = socket.create_connection(("10.2.0.1", 5201), timeout=30, source_address=("10.1.0.1", 0))
                break
            except OSError:
                time.sleep(0.2)
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
        print(hashlib.sha256(data).hexdigest())
        """;

    [NetnsFact]
    public void The_control_socket_shows_the_tables_like_ip_xfrm_and_neither_it_nor_the_logs_show_keys()
    {
        string states = sites.WestDaemon.Query("show state");
        string policies = sites.WestDaemon.Query("show policy");

        Assert.Contains("src 192.0.2.1 dst 192.0.2.2", states, StringComparison.Ordinal);
        Assert.Contains("proto esp spi 0x00001001", states, StringComparison.Ordinal);
        Assert.DoesNotContain(SiteConfig.Key(0x1001)[2..], states, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("dir out action ipsec", policies, StringComparison.Ordinal);
        Assert.Contains("dir fwd action ipsec", policies, StringComparison.Ordinal);
        Assert.StartsWith("error:", sites.WestDaemon.Query("show keys"), StringComparison.Ordinal);

        // Nor do the daemons' logs, which by now hold their start and configuration messages.
        Assert.Contains("added, 0 removed", sites.WestDaemon.Output, StringComparison.Ordinal);
        foreach (uint spi in new uint[] { 0x1001, 0x2002 })
        {
            Assert.DoesNotContain(SiteConfig.Key(spi)[2..], sites.WestDaemon.Output + sites.EastDaemon.Output, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The value of one "Name&lt;tab&gt;value" line of <c>stats</c>.</summary>
    internal static long Counter(string stats, string name)
    {
        foreach (string line in stats.Split('\n'))
        {
            string[] fields = line.Split('\t');
            if (fields.Length == 2 && fields[0].TrimEnd() == name)
            {
                return long.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no counter {name} in:\n{stats}");
    }
}

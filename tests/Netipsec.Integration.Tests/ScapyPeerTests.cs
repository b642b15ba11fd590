using System.Diagnostics;
using System.Globalization;

namespace Netipsec.Integration.Tests;

/// <summary>
/// Interoperability: netipsecd against an ESP implementation it shares no code with. The east side is no daemon but
/// a scapy program (scapy.layers.ipsec) holding the same AES-GCM SAs: it decrypts each ping that arrives through the
/// tunnel and answers it encrypted.
/// </summary>
public sealed class ScapyPeerTests : IDisposable
{
    private const int Pings = 3;
    private const string Tun = "nxd-scapy";

    // iface local remote in-spi in-key out-spi out-key count; keys are hex with the 4-byte salt at the end.
    private const string Peer = """
        import sys
        from scapy.all import IP, ICMP, sniff, send, conf
        from scapy.layers.ipsec import SecurityAssociation, ESP
        iface, local, remote, in_spi, in_key, out_spi, out_key, count = sys.argv[1:9]
        conf.verb = 0
        sa_in = SecurityAssociation(ESP, spi=int(in_spi, 16), crypt_algo="AES-GCM", crypt_key=bytes.fromhex(in_key),
                                    tunnel_header=IP(src=remote, dst=local))
        sa_out = SecurityAssociation(ESP, spi=int(out_spi, 16), crypt_algo="AES-GCM", crypt_key=bytes.fromhex(out_key),
                                     tunnel_header=IP(src=local, dst=remote))
        def answer(packet):
            inner = sa_in.decrypt(packet[IP])
            if ICMP in inner and inner[ICMP].type == 8:
                reply = IP(src=inner.dst, dst=inner.src) / ICMP(type=0, id=inner[ICMP].id, seq=inner[ICMP].seq) / inner[ICMP].payload
                send(sa_out.encrypt(reply))
                print("answered", inner[ICMP].seq, flush=True)
        print("ready", flush=True)
        sniff(iface=iface, filter=f"esp and src host {remote}", prn=answer, count=int(count), timeout=90)
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("nx-daemon-").FullName;
    private readonly string _id = Environment.ProcessId.ToString("x", CultureInfo.InvariantCulture);

    [ScapyFact]
    public void Scapy_answers_pings_that_netipsecd_sent_through_the_tunnel()
    {
        using var west = new Namespace($"nx-daemon-w{_id}s");
        using var east = new Namespace($"nx-daemon-s{_id}");
        Shell.Must("ip", "link", "add", $"nxdsw{_id}", "netns", west.Name, "type", "veth", "peer", "name", $"nxdse{_id}", "netns", east.Name);
        west.Ip("addr", "add", "192.0.2.1/24", "dev", $"nxdsw{_id}");
        west.Ip("link", "set", $"nxdsw{_id}", "up");
        east.Ip("addr", "add", "192.0.2.2/24", "dev", $"nxdse{_id}");
        east.Ip("link", "set", $"nxdse{_id}", "up");
        string config = Path.Combine(_directory, "west.conf");
        File.WriteAllText(config, SiteConfig.West.Text(withIpv6: false));
        using var daemon = new DaemonProcess(west.Name, _directory, "west", Tun, "10.1.0.1/32", config);
        Assert.True(daemon.WaitUntilReady(), daemon.Output);

        SiteConfig site = SiteConfig.East;
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[]
        {
            "netns", "exec", east.Name, Prerequisites.Python, "-c", Peer, $"nxdse{_id}", site.LocalOuter, site.RemoteOuter,
            site.InboundSpi.ToString("x", CultureInfo.InvariantCulture), SiteConfig.Key(site.InboundSpi)[2..],
            site.OutboundSpi.ToString("x", CultureInfo.InvariantCulture), SiteConfig.Key(site.OutboundSpi)[2..],
            Pings.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using Process peer = Process.Start(start)!;
        try
        {
            Assert.Equal("ready", peer.StandardOutput.ReadLine());
            Thread.Sleep(1000); // sniff opens its capture after printing

            (int code, string output) = Shell.InNamespace(west.Name, "ping", "-c", Pings.ToString(CultureInfo.InvariantCulture), "-W", "5", "-I", "10.1.0.1", "10.2.0.1");

            Assert.True(code == 0, output + "\n" + daemon.Output + daemon.Query("stats"));
            Assert.Contains($"{Pings} received", output, StringComparison.Ordinal);
            Assert.True(TunnelTests.Counter(daemon.Query("stats"), "EspPackets") >= 2 * Pings);
        }
        finally
        {
            if (!peer.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                peer.Kill(entireProcessTree: true);
                peer.WaitForExit();
            }
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

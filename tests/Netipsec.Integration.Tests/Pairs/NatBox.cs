using System.Globalization;
using System.Text.RegularExpressions;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// A NAPT router between the gateways of a <see cref="GatewayPair"/>, in a third namespace: the west gateway
/// (<see cref="WestOuter"/>) sits on its inside network, the east gateway (<see cref="EastOuter"/>) on its outside
/// one, and nftables masquerades UDP leaving by the outside to <see cref="Public"/> and a port of the current range,
/// never the original one. Its UDP mappings time out after <see cref="MappingTimeoutSeconds"/> without traffic, so
/// only keepalives keep an idle tunnel's mapping. nft counts the west gateway's keepalives (one-byte datagrams, RFC 3948 §2.3) it forwards and the mappings it makes.
/// </summary>
internal sealed partial class NatBox
{
    public const string WestOuter = "192.0.2.1";
    public const string Inside = "192.0.2.254";
    public const string Public = "198.51.100.254";
    public const string EastOuter = "198.51.100.2";
    public const int MappingTimeoutSeconds = 3;

    /// <summary>The tools the router needs besides ip.</summary>
    public static readonly string[] Tools = ["nft", "sysctl"];

    private const string Table = "nxnat";
    private const int PortsPerRange = 100;

    private string _outside = string.Empty;
    private int _range;

    /// <summary>The router's namespace, once <see cref="Connect"/> ran.</summary>
    public Namespace Namespace { get; private set; } = null!;

    /// <summary>The first port of the range the masquerade maps to now.</summary>
    public int FirstPort => 40000 + (_range * 1000);

    /// <summary>True when <paramref name="port"/> is one the masquerade maps to now.</summary>
    public bool IsCurrentPort(int port) => port >= FirstPort && port < FirstPort + PortsPerRange;

    /// <summary>A <see cref="GatewaySetup.Link"/>: builds the router, its two networks and its nftables table.</summary>
    public void Connect(GatewayPair pair)
    {
        Namespace = pair.AddNamespace("n");
        string inside = pair.WestVeth + "n";
        _outside = pair.EastVeth + "n";
        Shell.Must("ip", "link", "add", pair.WestVeth, "netns", pair.West.Name, "type", "veth", "peer", "name", inside, "netns", Namespace.Name);
        Shell.Must("ip", "link", "add", pair.EastVeth, "netns", pair.East.Name, "type", "veth", "peer", "name", _outside, "netns", Namespace.Name);
        GatewayPair.Address(pair.West, pair.WestVeth, WestOuter + "/24", "2001:db8::1/64");
        GatewayPair.Address(Namespace, inside, Inside + "/24", "2001:db8::fe/64");
        GatewayPair.Address(Namespace, _outside, Public + "/24", "2001:db8:ff::fe/64");
        GatewayPair.Address(pair.East, pair.EastVeth, EastOuter + "/24", "2001:db8:ff::2/64");
        pair.West.Ip("route", "add", "198.51.100.0/24", "via", Inside);
        Sysctl("net.ipv4.ip_forward=1");

        string rules = Path.Combine(pair.Directory, "nat.nft");
        File.WriteAllText(rules, $$"""
            table ip {{Table}} {
                counter keepalives { }
                counter mappings { }
                chain forward {
                    type filter hook forward priority filter; policy accept;
                    iifname "{{inside}}" udp dport 4500 udp length 9 counter name "keepalives"
                    iifname "{{inside}}" udp dport 4500 ct state new counter name "mappings"
                }
                chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                }
            }
            """);
        Nft("-f", rules);
        Masquerade();

        // The table made the namespace track connections; now its UDP timeouts can be shortened.
        Sysctl($"net.netfilter.nf_conntrack_udp_timeout={MappingTimeoutSeconds}");
        Sysctl($"net.netfilter.nf_conntrack_udp_timeout_stream={MappingTimeoutSeconds}");
    }

    /// <summary>How many keepalives from the west gateway the router forwarded.</summary>
    public long Keepalives() => Counted("keepalives");

    /// <summary>How many mappings for the west gateway's port 4500 the router made (connections it tracked anew).</summary>
    public long Mappings() => Counted("mappings");

    /// <summary>
    /// Makes the router forget its mappings and map to a fresh port range, as a rebooted home router would: the
    /// masquerade moves to the next range, and taking the outside link down and up drops every connection it
    /// masqueraded (the kernel's masquerade forgets them with the device).
    /// </summary>
    public void Remap()
    {
        _range++;
        Nft("flush", "chain", "ip", Table, "postrouting");
        Masquerade();
        Namespace.Ip("link", "set", _outside, "down");
        Namespace.Ip("link", "set", _outside, "up");
    }

    private long Counted(string counter)
    {
        Match packets = PacketsCounted().Match(Nft("list", "counter", "ip", Table, counter));
        Assert.True(packets.Success, $"nft printed no packet count for {counter}");
        return long.Parse(packets.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private void Masquerade() =>
        Nft("add", "rule", "ip", Table, "postrouting", "oifname", $"\"{_outside}\"", "meta", "l4proto", "udp",
            "masquerade", "to", string.Create(CultureInfo.InvariantCulture, $":{FirstPort}-{FirstPort + PortsPerRange - 1}"));

    private string Nft(params string[] arguments) => Shell.Must("ip", ["netns", "exec", Namespace.Name, "nft", .. arguments]);

    private void Sysctl(string setting) => Shell.Must("ip", "netns", "exec", Namespace.Name, "sysctl", "-q", "-w", setting);

    [GeneratedRegex(@"packets (\d+)")]
    private static partial Regex PacketsCounted();
}

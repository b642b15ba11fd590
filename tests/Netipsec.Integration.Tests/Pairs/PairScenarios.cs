namespace Netipsec.Integration.Tests.Pairs;

/// <summary>The gateway pairs of the namespace tests beyond the IPv4 ESP tunnel of <see cref="TwoSites"/>.</summary>
internal static class PairScenarios
{
    /// <summary>IPv4 sites over an IPv6 ESP tunnel (4in6).</summary>
    public static GatewaySetup Ipv4OverIpv6 =>
        new PairConfig("2001:db8::1", "2001:db8::2", "10.1.0.0/24", "10.2.0.0/24", "any", [PairTransform.EspGcm("tunnel", 0x3001, 0x3002)]).Setup("v46");

    /// <summary>IPv6 sites over an IPv6 ESP tunnel (6in6).</summary>
    public static GatewaySetup Ipv6OverIpv6 =>
        new PairConfig("2001:db8::1", "2001:db8::2", "2001:db8:1::/64", "2001:db8:2::/64", "any", [PairTransform.EspGcm("tunnel", 0x3101, 0x3102)]).Setup("v66") with
        {
            WestTunAddress = "2001:db8:1::1/128",
            EastTunAddress = "2001:db8:2::1/128",
            WestRoute = "2001:db8:2::/64",
            EastRoute = "2001:db8:1::/64",
        };

    /// <summary>
    /// ESP transport mode between the veth addresses themselves, for ICMP only. Each daemon routes its peer's address
    /// into its TUN in its own table (220), which only packets without its mark consult, so its own ESP to the peer
    /// still leaves by the veth.
    /// </summary>
    public static GatewaySetup Transport =>
        new PairConfig("192.0.2.1", "192.0.2.2", "192.0.2.1", "192.0.2.2", "icmp", [PairTransform.EspGcm("transport", 0x4001, 0x4002)]).Setup("tr") with
        {
            WestRoute = "192.0.2.2",
            EastRoute = "192.0.2.1",
        };

    /// <summary>An AH tunnel (HMAC-SHA-256) between the sites: authenticated, not encrypted.</summary>
    public static GatewaySetup AhTunnel =>
        new PairConfig("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", "any", [PairTransform.AhSha256("tunnel", 0x5001, 0x5002)]).Setup("ah");

    /// <summary>IPComp (tunnel) inside ESP (transport), the bundle racoon and strongSwan build for compression.</summary>
    public static GatewaySetup IpCompInsideEsp =>
        new PairConfig("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", "any",
            [PairTransform.Deflate("tunnel", 0x6001, 0x6002), PairTransform.EspGcm("transport", 0x6003, 0x6004)]).Setup("ipc");

    /// <summary>The IPv4 ESP tunnel of <see cref="TwoSites"/>, with a 64-packet anti-replay window on every SA.</summary>
    public static GatewaySetup AntiReplay =>
        new PairConfig("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", "any", [PairTransform.EspGcm("tunnel", 0x7001, 0x7002, "-r 64")]).Setup("rp");

    /// <summary>The IPv4 ESP tunnel, for stopping both daemons and starting them again on their configuration files.</summary>
    public static GatewaySetup Restart =>
        new PairConfig("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", "any", [PairTransform.EspGcm("tunnel", 0x7101, 0x7102)]).Setup("rs");

    /// <summary>
    /// The IPv4 ESP tunnel's policies without any SA: a key manager of the test's own keys both daemons over their
    /// PF_KEY sockets when traffic raises an ACQUIRE, and the daemons hold the packets meanwhile (no larval drop).
    /// </summary>
    public static GatewaySetup Acquire =>
        new PairConfig("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", "any", [PairTransform.EspGcm("tunnel", 0x9001, 0x9002)]) { WithStates = false }.Setup("kx") with
        {
            DaemonOptions = ["--larval-drop", "false"],
            NamespacePrefix = "nx-acq",
        };

    /// <summary>netipsecd in the west only, with an ESP tunnel (raw or in UDP) to a peer the test runs in the east itself.</summary>
    public static GatewaySetup ForeignPeer(bool inUdp) =>
        new PairConfig("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", "any",
            [inUdp ? PairTransform.EspGcmInUdp(0x8101, 0x8102) : PairTransform.EspGcm("tunnel", 0x8001, 0x8002)]).Setup(inUdp ? "su" : "sr") with
        {
            EastIsDaemon = false,
        };
}

using System.Globalization;

namespace Netipsec.Integration.Tests;

/// <summary>
/// The setkey configuration of one gateway of an ESP (AES-GCM-128, RFC 4106) tunnel between two 10.x sites: both
/// SAs and the out, in and fwd policies. The keys are fixed test keys, never for real traffic.
/// </summary>
internal sealed record SiteConfig(string LocalOuter, string RemoteOuter, string LocalNet, string RemoteNet, uint OutboundSpi, uint InboundSpi, SiteConfig? Ipv6 = null)
{
    /// <summary>The west gateway, with a second tunnel over IPv6 between 2001:db8:1::/64 and 2001:db8:2::/64.</summary>
    public static SiteConfig West => new("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", 0x1001, 0x2002,
        new("2001:db8:ff::1", "2001:db8:ff::2", "2001:db8:1::/64", "2001:db8:2::/64", 0x3003, 0x4004));

    public static SiteConfig East => new("192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24", 0x2002, 0x1001,
        new("2001:db8:ff::2", "2001:db8:ff::1", "2001:db8:2::/64", "2001:db8:1::/64", 0x4004, 0x3003));

    /// <summary>The test key of the SA with <paramref name="spi"/>: 16 key bytes and a 4-byte salt, as hex.</summary>
    public static string Key(uint spi) => "0x" + string.Concat(Enumerable.Range(0, 20).Select(i => ((byte)((spi * 13) + (uint)i)).ToString("x2", CultureInfo.InvariantCulture)));

    /// <summary>The configuration file: flushes, then this tunnel's SAs and policies (and the IPv6 tunnel's unless left out).</summary>
    public string Text(bool withIpv6 = true) => $"""
        # netipsecd integration test: tunnel {LocalNet} <-> {RemoteNet}
        flush;
        spdflush;
        {Statements()}
        {(withIpv6 && Ipv6 is not null ? Ipv6.Statements() : "")}
        """;

    private string Statements() => $"""
        add {LocalOuter} {RemoteOuter} esp 0x{OutboundSpi:x} -m tunnel -E aes-gcm-16 {Key(OutboundSpi)};
        add {RemoteOuter} {LocalOuter} esp 0x{InboundSpi:x} -m tunnel -E aes-gcm-16 {Key(InboundSpi)};
        spdadd {LocalNet} {RemoteNet} any -P out ipsec esp/tunnel/{LocalOuter}-{RemoteOuter}/require;
        spdadd {RemoteNet} {LocalNet} any -P in ipsec esp/tunnel/{RemoteOuter}-{LocalOuter}/require;
        spdadd {RemoteNet} {LocalNet} any -P fwd ipsec esp/tunnel/{RemoteOuter}-{LocalOuter}/require;
        """;
}

using System.Globalization;

namespace Netipsec.Integration.Tests;

/// <summary>
/// The setkey configuration of one gateway of an ESP (AES-GCM-128, RFC 4106) tunnel between two 10.x sites: both
/// SAs and the out, in and fwd policies. The keys are fixed test keys, never for real traffic.
/// </summary>
internal sealed record SiteConfig(string LocalOuter, string RemoteOuter, string LocalNet, string RemoteNet, uint OutboundSpi, uint InboundSpi)
{
    public static SiteConfig West => new("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", 0x1001, 0x2002);

    public static SiteConfig East => new("192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24", 0x2002, 0x1001);

    /// <summary>The test key of the SA with <paramref name="spi"/>: 16 key bytes and a 4-byte salt, as hex.</summary>
    public static string Key(uint spi) => "0x" + string.Concat(Enumerable.Range(0, 20).Select(i => ((byte)((spi * 13) + (uint)i)).ToString("x2", CultureInfo.InvariantCulture)));

    public string Text() => $"""
        # netipsecd integration test: tunnel {LocalNet} <-> {RemoteNet}
        flush;
        spdflush;
        add {LocalOuter} {RemoteOuter} esp 0x{OutboundSpi:x} -m tunnel -E aes-gcm-16 {Key(OutboundSpi)};
        add {RemoteOuter} {LocalOuter} esp 0x{InboundSpi:x} -m tunnel -E aes-gcm-16 {Key(InboundSpi)};
        spdadd {LocalNet} {RemoteNet} any -P out ipsec esp/tunnel/{LocalOuter}-{RemoteOuter}/require;
        spdadd {RemoteNet} {LocalNet} any -P in ipsec esp/tunnel/{RemoteOuter}-{LocalOuter}/require;
        spdadd {RemoteNet} {LocalNet} any -P fwd ipsec esp/tunnel/{RemoteOuter}-{LocalOuter}/require;

        """;
}

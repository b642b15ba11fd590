using System.Globalization;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// One IPsec transform of a pair's bundle: its protocol and mode, the SPI (or CPI) of each direction, the setkey
/// algorithm options (given the SPI, so each SA gets its own test key) and the template's level.
/// </summary>
internal sealed record PairTransform(string Protocol, string Mode, uint WestToEast, uint EastToWest, Func<uint, string> Algorithms, string Level = "require")
{
    /// <summary>ESP with AES-GCM-128 (RFC 4106), as the site-to-site tests use.</summary>
    public static PairTransform EspGcm(string mode, uint westToEast, uint eastToWest, string extra = "") =>
        new("esp", mode, westToEast, eastToWest, spi => $"{extra} -E aes-gcm-16 {SiteConfig.Key(spi)}");

    /// <summary>ESP with AES-GCM-128 inside UDP port 4500 (RFC 3948).</summary>
    public static PairTransform EspGcmInUdp(uint westToEast, uint eastToWest) =>
        new("esp-udp", "tunnel", westToEast, eastToWest, spi => $"-E aes-gcm-16 {SiteConfig.Key(spi)}");

    /// <summary>AH with HMAC-SHA-256-128 (RFC 4868).</summary>
    public static PairTransform AhSha256(string mode, uint westToEast, uint eastToWest) =>
        new("ah", mode, westToEast, eastToWest, spi => $"-A hmac-sha256 {Key(spi, 32)}");

    /// <summary>
    /// IPComp with DEFLATE (RFC 2394). Required on output in tunnel mode: an optional tunnel template is refused
    /// there, where skipping it would send the packet with the wrong outer addresses. Optional on input always: a
    /// packet too small to compress arrives without IPComp (RFC 3173 §2.2), as IP-in-IP in tunnel mode, and the IPComp
    /// SA's companion state that takes it satisfies only an optional template (as Linux's does).
    /// </summary>
    public static PairTransform Deflate(string mode, uint westToEast, uint eastToWest) =>
        new("ipcomp", mode, westToEast, eastToWest, _ => "-C deflate", mode == "tunnel" ? "require" : "use") { InboundLevel = "use" };

    /// <summary>A test key of <paramref name="bytes"/> bytes derived from <paramref name="spi"/>, as hex.</summary>
    public static string Key(uint spi, int bytes) =>
        "0x" + string.Concat(Enumerable.Range(0, bytes).Select(i => ((byte)((spi * 7) + (uint)(i * 3))).ToString("x2", CultureInfo.InvariantCulture)));

    /// <summary>The level of the template in the in and fwd policies; <see cref="Level"/> unless set.</summary>
    public string? InboundLevel { get; init; }

    /// <summary>
    /// The policy template, outer addresses in the direction <paramref name="source"/> to <paramref name="destination"/>,
    /// at <see cref="Level"/> or, for an in or fwd policy (<paramref name="inbound"/>), at <see cref="InboundLevel"/>.
    /// </summary>
    public string Template(string source, string destination, bool inbound)
    {
        string level = inbound ? InboundLevel ?? Level : Level;
        return Mode == "tunnel" ? $"{PolicyProtocol}/tunnel/{source}-{destination}/{level}" : $"{PolicyProtocol}/transport//{level}";
    }

    /// <summary>True for ESP in UDP (RFC 3948): the SAs carry port 4500 on both addresses.</summary>
    public bool InUdp => Protocol == "esp-udp";

    /// <summary>The protocol as a policy names it: esp-udp is ESP there.</summary>
    private string PolicyProtocol => InUdp ? "esp" : Protocol;
}

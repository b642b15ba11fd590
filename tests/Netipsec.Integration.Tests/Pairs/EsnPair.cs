namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// The IPv4 ESP tunnel of <see cref="TwoSites"/> with 64-bit extended sequence numbers (RFC 4303 §2.2.1) and a
/// 255-packet window, both SAs continuing from <see cref="FirstSequence"/> (setkey's -seq): a few packets past it
/// the low 32 bits wrap and the high-order half, never sent, must move to 1 at both ends.
/// </summary>
public sealed class EsnPair() : GatewayPair(Setup)
{
    public const uint WestToEast = 0xc101;
    public const uint EastToWest = 0xc102;
    public const ulong FirstSequence = 0xffff_fff0;

    private static GatewaySetup Setup =>
        new PairConfig("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", "any",
            [PairTransform.EspGcm("tunnel", WestToEast, EastToWest, $"-f esn -r 255 -seq 0x{FirstSequence:x}")]).Setup("esn") with
        {
            NamespacePrefix = "nx-nat",
        };
}

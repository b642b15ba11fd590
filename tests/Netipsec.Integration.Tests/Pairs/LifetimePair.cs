namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// The IPv4 ESP tunnel of <see cref="TwoSites"/>, whose west-to-east SA has small byte lifetimes on the east
/// (receiving) end only (soft <see cref="SoftBytes"/>, hard <see cref="HardBytes"/>): the east end expires it while west
/// still sends on it.
/// </summary>
public sealed class LifetimePair() : GatewayPair(Setup)
{
    public const uint WestToEast = 0xb101;
    public const uint EastToWest = 0xb102;
    public const int SoftBytes = 1500;
    public const int HardBytes = 4000;

    private static GatewaySetup Setup
    {
        get
        {
            PairTransform plain = PairTransform.EspGcm("tunnel", WestToEast, EastToWest);
            PairTransform limited = plain with { Algorithms = spi => (spi == WestToEast ? $"-bs {SoftBytes} -bh {HardBytes} " : string.Empty) + plain.Algorithms(spi) };
            var west = new PairConfig("192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", "any", [plain]);
            var east = west with { Bundle = [limited] };
            return new GatewaySetup("lt", west.West, east.East) { NamespacePrefix = "nx-nat" };
        }
    }
}

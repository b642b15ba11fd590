using System.Globalization;
using System.Text.RegularExpressions;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// Extended sequence numbers between two netipsecd (RFC 4303 §2.2.1, Appendix A): SAs that start 16 packets short
/// of 2^32 carry pings across the boundary both ways, every packet delivered, and both ends' counters move past it.
/// </summary>
[Collection(GatewayPairGroup.Name)]
public sealed class EsnTests(EsnPair pair) : IClassFixture<EsnPair>
{
    private const int Pings = 40; // each crosses both SAs: 24 numbers past the boundary

    [NetnsFact]
    public void Pings_cross_the_2_to_the_32_boundary_of_the_sequence_numbers_and_every_one_is_answered()
    {
        var watch = new CounterWatch(pair);
        (int code, string output) = Shell.InNamespace(pair.West.Name, "ping", "-c", Pings.ToString(CultureInfo.InvariantCulture), "-i", "0.05", "-W", "3", "-I", "10.1.0.1", "10.2.0.1");

        Assert.True(code == 0 && output.Contains($"{Pings} received", StringComparison.Ordinal), output + pair.WestDaemon.Query("stats") + pair.EastDaemon.Query("stats"));
        string west = pair.WestDaemon.Query("show state");
        string east = pair.EastDaemon.Query("show state");
        Assert.True(Sequences(west, EsnPair.WestToEast).Sent > uint.MaxValue, west); // west's counter went past 2^32 ...
        Assert.True(Sequences(east, EsnPair.WestToEast).Highest > uint.MaxValue, east); // ... and east inferred the high half
        Assert.True(Sequences(east, EsnPair.EastToWest).Sent > uint.MaxValue, east);
        Assert.True(Sequences(west, EsnPair.EastToWest).Highest > uint.MaxValue, west);
        Assert.Contains(" esn", east, StringComparison.Ordinal);
        Assert.True(watch.East("TunWritten") >= Pings);
        watch.AssertNoInboundErrors();
        Assert.Equal(0, watch.East("EspIntegrityFailed"));
        Assert.Equal(0, watch.West("EspIntegrityFailed"));
    }

    /// <summary>The SA's last sent and highest received sequence numbers, from <c>show state</c>'s anti-replay line.</summary>
    private static (ulong Sent, ulong Highest) Sequences(string states, uint spi)
    {
        Match context = Regex.Match(
            states,
            string.Create(CultureInfo.InvariantCulture, $@"proto esp spi 0x{spi:x8} [^\n]*\n(?:\t[^\n]*\n)*?\tanti-replay context: oseq 0x([0-9a-f]+), seq 0x([0-9a-f]+)"));
        Assert.True(context.Success, $"no anti-replay context for SPI 0x{spi:x} in:\n{states}");
        return (ulong.Parse(context.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), ulong.Parse(context.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}

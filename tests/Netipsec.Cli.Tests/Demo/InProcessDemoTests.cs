using Netipsec.Cli.Demo;

namespace Netipsec.Cli.Tests.Demo;

public sealed class InProcessDemoTests
{
    private static string RunDemo()
    {
        using var output = new StringWriter();
        Assert.Equal(0, InProcessDemo.Run(output));
        return output.ToString();
    }

    [Fact]
    public void Traffic_uses_the_tunnel_sas_in_sequence_both_ways()
    {
        string text = RunDemo();
        for (int sequence = 1; sequence <= 3; sequence++)
        {
            Assert.Contains($"-> SA spi 0x00001001, seq {sequence}", text, StringComparison.Ordinal);
            Assert.Contains($"SA spi 0x00001001 seq {sequence} accepted", text, StringComparison.Ordinal);
            Assert.Contains($"SA spi 0x00002002 seq {sequence} accepted", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_replayed_packet_is_dropped_and_a_missing_sa_raises_one_acquire()
    {
        string text = RunDemo();
        Assert.Contains("east  rx: dropped: sequence 1 replayed", text, StringComparison.Ordinal);
        Assert.Contains("ACQUIRE #1 raised", text, StringComparison.Ordinal);
        Assert.Contains("ACQUIRE #1 still pending, not raised again", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), line => line.StartsWith("ACQUIRE #", StringComparison.Ordinal));
    }

    [Fact]
    public void Both_tables_are_printed_with_lifetimes_and_no_key_material()
    {
        string text = RunDemo();
        Assert.Contains("== west: SAD (3 entries) ==", text, StringComparison.Ordinal);
        Assert.Contains("== east: SPD (3 entries) ==", text, StringComparison.Ordinal);
        Assert.Contains("lifetime current: 252(bytes), 3(packets)", text, StringComparison.Ordinal);
        // The demo keys are bytes spi+i; none of their hex may appear.
        Assert.DoesNotContain("0102030405", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("0203040506", text, StringComparison.OrdinalIgnoreCase);
    }
}

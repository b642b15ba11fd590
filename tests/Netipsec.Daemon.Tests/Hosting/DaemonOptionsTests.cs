using Microsoft.Extensions.Logging.Abstractions;
using Netipsec.Daemon.Hosting;
using Netipsec.NatTraversal;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tests.Hosting;

public sealed class DaemonOptionsTests
{
    [Fact]
    public void TUN_addresses_are_comma_separated_prefixes_of_either_family()
    {
        Assert.Equal([IpPrefix.Parse("10.1.0.1/32"), IpPrefix.Parse("2001:db8::1/128")], DaemonRuntime.ParseAddresses(" 10.1.0.1/32, 2001:db8::1/128 "));
        Assert.Empty(DaemonRuntime.ParseAddresses(""));
    }

    [Theory]
    [InlineData("10.1.0.1/33")]
    [InlineData("tun0")]
    public void An_address_without_a_valid_prefix_is_refused_with_the_entry_named(string entry)
    {
        FormatException error = Assert.Throws<FormatException>(() => DaemonRuntime.ParseAddresses(entry));

        Assert.Contains(entry, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_switch_names_an_option_that_exists()
    {
        string[] properties = [.. typeof(DaemonOptions).GetProperties().Select(property => $"{DaemonOptions.Section}:{property.Name}")];

        Assert.All(DaemonOptions.Switches.Values, target => Assert.Contains(target, properties));
        Assert.Equal(Environment.ProcessorCount, new DaemonOptions().EffectiveQueues);
        Assert.Equal(3, new DaemonOptions { Queues = 3 }.EffectiveQueues);
    }

    [Fact]
    public void The_NAT_keepalive_interval_and_port_following_reach_the_engine()
    {
        using var runtime = new DaemonRuntime(new DaemonOptions { NatKeepaliveSeconds = 2, NatFollowPortChanges = false }, NullLogger<DaemonRuntime>.Instance);

        Assert.Equal(TimeSpan.FromSeconds(2), runtime.Engine.NatTraversal.Options.KeepaliveInterval);
        Assert.False(runtime.Engine.NatTraversal.Options.FollowPortChanges);
        Assert.True(new DaemonOptions().NatFollowPortChanges);
        Assert.Equal(NatTraversalOptions.DefaultKeepaliveInterval, TimeSpan.FromSeconds(new DaemonOptions().NatKeepaliveSeconds));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_NAT_keepalive_interval_below_one_second_stops_the_start_with_the_value_named(int seconds)
    {
        DaemonStartException error = Assert.Throws<DaemonStartException>(() => new DaemonRuntime(new DaemonOptions { NatKeepaliveSeconds = seconds }, NullLogger<DaemonRuntime>.Instance));

        Assert.Contains(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }
}

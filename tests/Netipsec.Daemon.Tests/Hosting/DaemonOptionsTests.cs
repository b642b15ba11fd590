using Microsoft.Extensions.Configuration;
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
    [InlineData("--nat-keepalive 0", "--nat-keepalive must be 1 to 86400, found 0")]
    [InlineData("--nat-keepalive -5", "--nat-keepalive must be 1 to 86400, found -5")]
    [InlineData("--mtu 40", "--mtu must be 68 to 65535, found 40")]
    [InlineData("--batch 0", "--batch must be 1 to 1024, found 0")]
    [InlineData("--nat-port 70000", "--nat-port must be 0 to 65535, found 70000")]
    [InlineData("--queues -1", "--queues must be 0 to 256, found -1")]
    [InlineData("--larval-drop maybe", "--larval-drop: Failed to convert configuration value 'maybe'")]
    [InlineData("--nat-keepalive abc", "--nat-keepalive: Failed to convert configuration value 'abc'")]
    [InlineData("--route-table 254", "--route-table must not be one of the kernel's tables 253 (default), 254 (main), 255 (local), found 254")]
    [InlineData("--route-table -1", "--route-table must be 0 to 2147483647, found -1")]
    [InlineData("--route-mark 0", "--route-mark must not be 0 while --route-table is set")]
    [InlineData("--route-priority 32766", "--route-priority must be 1 to 32765, found 32766")]
    [InlineData("--route-mark -1", "--route-mark: Failed to convert configuration value '-1'")]
    public void A_bad_switch_is_one_line_naming_it_before_anything_starts(string arguments, string expected)
    {
        Assert.StartsWith(expected, DaemonOptions.TryLoad(CommandLine(arguments), out _), StringComparison.Ordinal);
    }

    [Fact]
    public void Good_switches_load_with_their_values_and_the_rest_keeps_its_defaults()
    {
        Assert.Null(DaemonOptions.TryLoad(CommandLine("--tun ipsec7 --larval-drop false --nat-keepalive 5 --batch 64"), out DaemonOptions options));

        Assert.Equal("ipsec7", options.TunName);
        Assert.False(options.LarvalDrop);
        Assert.Equal(5, options.NatKeepaliveSeconds);
        Assert.Equal(64, options.BatchSize);
        Assert.Equal(new DaemonOptions().Mtu, options.Mtu);
    }

    [Fact]
    public void The_route_mark_reads_hex_and_a_zero_table_turns_transport_routing_off_so_any_mark_will_do()
    {
        Assert.Null(DaemonOptions.TryLoad(CommandLine("--route-mark 0x10 --route-table 1000 --route-priority 100"), out DaemonOptions options));
        Assert.Equal(0x10u, options.RouteMark);
        Assert.Equal(1000, options.RouteTable);
        Assert.Equal(100, options.RoutePriority);

        Assert.Null(DaemonOptions.TryLoad(CommandLine("--route-table 0 --route-mark 0"), out options));
        Assert.Equal(0, options.RouteTable);

        var defaults = new DaemonOptions();
        Assert.Equal((220, 0x4e49u, 220), (defaults.RouteTable, defaults.RouteMark, defaults.RoutePriority));
    }

    private static IConfiguration CommandLine(string arguments) =>
        new ConfigurationBuilder().AddCommandLine(arguments.Split(' '), new Dictionary<string, string>(DaemonOptions.Switches)).Build();
}

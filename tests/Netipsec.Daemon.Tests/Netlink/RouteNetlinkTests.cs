using Netipsec.Daemon.Netlink;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tests.Netlink;

/// <summary>The rtnetlink requests byte for byte, as rtnetlink(7) and linux/fib_rules.h lay them out (little-endian host).</summary>
public sealed class RouteNetlinkTests
{
    private static readonly UnmarkedRule Unmarked = new(0x4e49, 220, 220);

    [Fact]
    public void The_rule_is_not_fwmark_mark_full_mask_to_table_with_its_priority_and_refuses_a_duplicate()
    {
        Assert.Equal(
            "3c000000" + "2000" + "0506" + "00000000" + "00000000" // nlmsghdr: RTM_NEWRULE, REQUEST|ACK|EXCL|CREATE
            + "02000000" + "dc000001" + "02000000"                    // fib_rule_hdr: AF_INET, table 220, FR_ACT_TO_TBL, FIB_RULE_INVERT
            + "08000600dc000000"                                      // FRA_PRIORITY 220
            + "08000a00494e0000"                                      // FRA_FWMARK 0x4e49
            + "08001000ffffffff"                                      // FRA_FWMASK
            + "08000f00dc000000",                                     // FRA_TABLE 220
            Rule(add: true, IpVersion.V4, Unmarked));
    }

    [Fact]
    public void Deleting_the_rule_sends_the_same_selectors_as_RTM_DELRULE_for_the_family_asked()
    {
        string added = Rule(add: true, IpVersion.V6, Unmarked);
        string deleted = Rule(add: false, IpVersion.V6, Unmarked);

        Assert.Equal("2100" + "0500", deleted[8..16]);
        Assert.Equal("0a", deleted[32..34]); // AF_INET6
        Assert.Equal(added[16..], deleted[16..]);
    }

    [Fact]
    public void A_table_above_255_goes_in_the_attribute_with_the_header_byte_unspecified()
    {
        string rule = Rule(add: true, IpVersion.V4, Unmarked with { Table = 1000 });
        string route = Route(add: true, IpPrefix.Parse("192.0.2.2/32"), 1000);

        Assert.Equal("00", rule[40..42]);
        Assert.EndsWith("08000f00e8030000", rule, StringComparison.Ordinal);
        Assert.Equal("00", route[40..42]);
        Assert.EndsWith("08000f00e8030000", route, StringComparison.Ordinal);
    }

    [Fact]
    public void A_route_into_the_interface_names_its_table_and_masks_the_destination()
    {
        Assert.Equal(
            "34000000" + "1800" + "0505" + "00000000" + "00000000" // nlmsghdr: RTM_NEWROUTE, REQUEST|ACK|REPLACE|CREATE
            + "02180000" + "dc04fd01" + "00000000"                 // rtmsg: AF_INET /24, table 220, static, scope link, unicast
            + "08000100c0000200"                                   // RTA_DST 192.0.2.0
            + "0800040007000000"                                   // RTA_OIF 7
            + "08000f00dc000000",                                  // RTA_TABLE 220
            Route(add: true, IpPrefix.Parse("192.0.2.77/24"), 220));
    }

    [Fact]
    public void A_preferred_source_follows_the_destination_as_RTA_PREFSRC()
    {
        string route = Route(add: true, IpPrefix.Parse("192.0.2.2/32"), 220, IpAddress.Parse("192.0.2.1"));

        Assert.Equal("08000100c000020208000700c0000201", route[56..88]);
        Assert.Equal(60, route.Length / 2);
    }

    [Fact]
    public void An_IPv6_route_removal_is_RTM_DELROUTE_with_the_sixteen_byte_destination()
    {
        string route = Route(add: false, IpPrefix.Parse("2001:db8::2/128"), RouteNetlink.MainTable);

        Assert.Equal("1900" + "0500", route[8..16]);
        Assert.Equal("0a80", route[32..36]);
        Assert.Equal("fe", route[40..42]);
        Assert.Contains("1400010020010db8000000000000000000000002", route, StringComparison.Ordinal);
        Assert.Equal(route.Length / 2, Convert.ToInt32(route[..2], 16));
    }

    private static string Rule(bool add, IpVersion version, UnmarkedRule rule)
    {
        Span<byte> message = stackalloc byte[128];
        return Convert.ToHexStringLower(message[..RouteNetlink.EncodeRule(message, add, version, rule)]);
    }

    private static string Route(bool add, IpPrefix destination, int table, IpAddress preferredSource = default)
    {
        Span<byte> message = stackalloc byte[128];
        return Convert.ToHexStringLower(message[..RouteNetlink.EncodeRoute(message, add, 7, destination, preferredSource, table)]);
    }
}

using Netipsec.Packets;
using Netipsec.Policies;
using static Netipsec.Tests.Policies.PolicyBuilder;

namespace Netipsec.Tests.Policies;

public sealed class SelectorTests
{
    [Theory]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("192.0.2.0/24", "192.0.2.255", true)]
    [InlineData("192.0.2.0/24", "192.0.3.0", false)]
    [InlineData("192.0.2.0/25", "192.0.2.128", false)]
    [InlineData("192.0.2.7/32", "192.0.2.7", true)]
    [InlineData("192.0.2.7/32", "192.0.2.6", false)]
    [InlineData("10.0.0.0/8", "10.255.255.255", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    public void Destination_prefix_matches_by_length_v4(string prefix, string address, bool expected)
    {
        Selector selector = Sel("0.0.0.0/0", prefix);
        Assert.Equal(expected, selector.Matches(FlowOf("198.51.100.1", address)));
    }

    [Theory]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8::/64", "2001:db8:0:1::", false)]
    [InlineData("2001:db8::/65", "2001:db8::8000:0:0:0", false)]
    [InlineData("2001:db8::1/128", "2001:db8::1", true)]
    [InlineData("2001:db8::1/128", "2001:db8::2", false)]
    public void Source_prefix_matches_by_length_v6(string prefix, string address, bool expected)
    {
        Selector selector = Sel(prefix, "::/0");
        Assert.Equal(expected, selector.Matches(FlowOf(address, "2001:db8::99")));
    }

    [Fact]
    public void Selector_of_one_version_never_matches_the_other()
    {
        Assert.False(Selector.Any(IpVersion.V4).Matches(FlowOf("2001:db8::1", "2001:db8::2")));
        Assert.False(Selector.Any(IpVersion.V6).Matches(FlowOf("192.0.2.1", "192.0.2.2")));
    }

    [Theory]
    [InlineData((ushort)80, (ushort)0xFFFF, (ushort)80, true)]
    [InlineData((ushort)80, (ushort)0xFFFF, (ushort)81, false)]
    [InlineData((ushort)0, (ushort)0, (ushort)12345, true)]
    [InlineData((ushort)0x1F00, (ushort)0xFF00, (ushort)0x1F42, true)] // 7936-8191 as one masked range
    [InlineData((ushort)0x1F00, (ushort)0xFF00, (ushort)0x2000, false)]
    public void Destination_port_matches_under_its_mask(ushort port, ushort mask, ushort flowPort, bool expected)
    {
        Selector selector = Sel("0.0.0.0/0", "0.0.0.0/0") with { DestinationPort = port, DestinationPortMask = mask };
        Assert.Equal(expected, selector.Matches(FlowOf("192.0.2.1", "192.0.2.2", destinationPort: flowPort)));
    }

    [Fact]
    public void Source_port_matches_under_its_mask()
    {
        Selector selector = Sel("0.0.0.0/0", "0.0.0.0/0").WithPorts(500, 0);
        Assert.True(selector.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Udp, sourcePort: 500, destinationPort: 4500)));
        Assert.False(selector.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Udp, sourcePort: 501, destinationPort: 4500)));
    }

    [Fact]
    public void Protocol_null_matches_any_and_a_set_protocol_only_itself()
    {
        Selector any = Sel("0.0.0.0/0", "0.0.0.0/0");
        Selector udp = any with { Protocol = IpProtocol.Udp };
        Assert.True(any.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Gre)));
        Assert.True(udp.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Udp)));
        Assert.False(udp.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Tcp)));
    }

    [Fact]
    public void Icmp_type_and_code_travel_in_the_port_fields()
    {
        Selector echoRequest = Sel("0.0.0.0/0", "0.0.0.0/0").WithIcmp(8) with { Protocol = IpProtocol.Icmp };
        Selector unreachablePort = Sel("0.0.0.0/0", "0.0.0.0/0").WithIcmp(3, 3) with { Protocol = IpProtocol.Icmp };

        Assert.True(echoRequest.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Icmp, sourcePort: 8, destinationPort: 0)));
        Assert.True(echoRequest.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Icmp, sourcePort: 8, destinationPort: 5)));
        Assert.False(echoRequest.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Icmp, sourcePort: 0, destinationPort: 0)));
        Assert.True(unreachablePort.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Icmp, sourcePort: 3, destinationPort: 3)));
        Assert.False(unreachablePort.Matches(FlowOf("192.0.2.1", "192.0.2.2", IpProtocol.Icmp, sourcePort: 3, destinationPort: 1)));
    }

    [Fact]
    public void Interface_zero_matches_any_and_a_set_interface_only_itself()
    {
        Selector onEth1 = Sel("0.0.0.0/0", "0.0.0.0/0") with { InterfaceIndex = 1 };
        Assert.True(Sel("0.0.0.0/0", "0.0.0.0/0").Matches(FlowOf("192.0.2.1", "192.0.2.2", interfaceIndex: 7)));
        Assert.True(onEth1.Matches(FlowOf("192.0.2.1", "192.0.2.2", interfaceIndex: 1)));
        Assert.False(onEth1.Matches(FlowOf("192.0.2.1", "192.0.2.2", interfaceIndex: 2)));
        Assert.False(onEth1.Matches(FlowOf("192.0.2.1", "192.0.2.2", interfaceIndex: 0)));
    }

    [Fact]
    public void Selectors_with_equal_fields_are_equal_so_they_name_one_spd_entry()
    {
        Assert.Equal(Sel("192.0.2.9/24", "10.1.2.3/8"), Sel("192.0.2.0/24", "10.0.0.0/8"));
        Assert.NotEqual(Sel("192.0.2.0/24", "10.0.0.0/8"), Sel("192.0.2.0/24", "10.0.0.0/8") with { InterfaceIndex = 3 });
        Assert.NotEqual(Sel("192.0.2.0/24", "10.0.0.0/8"), Sel("192.0.2.0/24", "10.0.0.0/8").WithPorts(0, 80));
    }
}

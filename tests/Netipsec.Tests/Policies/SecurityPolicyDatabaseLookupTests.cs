using Microsoft.Extensions.Time.Testing;
using Netipsec.Packets;
using Netipsec.Policies;
using static Netipsec.Tests.Policies.PolicyBuilder;

namespace Netipsec.Tests.Policies;

/// <summary>The data-path lookup: precedence, separation by direction and IP version, and the selector fields.</summary>
public sealed class SecurityPolicyDatabaseLookupTests
{
    private readonly SecurityPolicyDatabase _spd = new(new FakeTimeProvider());

    [Fact]
    public void Lookup_without_a_matching_policy_returns_null()
    {
        _spd.Add(Bypass(Sel("10.0.0.0/8", "0.0.0.0/0")));

        Assert.Null(_spd.Lookup(PolicyDirection.Out, FlowOf("11.0.0.1", "192.0.2.1")));
    }

    [Fact]
    public void Lowest_priority_value_wins_whatever_the_prefix_lengths()
    {
        SecurityPolicy specific = Bypass(Sel("10.1.2.3/32", "192.0.2.1/32"), priority: 20);
        SecurityPolicy broad = Block(Sel("0.0.0.0/0", "0.0.0.0/0"), priority: 10);
        SecurityPolicy middle = Bypass(Sel("10.0.0.0/8", "192.0.2.0/24"), priority: 15);
        _spd.Add(specific);
        _spd.Add(broad);
        _spd.Add(middle);

        Assert.Same(broad, _spd.Lookup(PolicyDirection.Out, FlowOf("10.1.2.3", "192.0.2.1")));
    }

    [Fact]
    public void Equal_priority_goes_to_the_policy_installed_first()
    {
        SecurityPolicy first = Bypass(Sel("0.0.0.0/0", "192.0.2.0/24"), priority: 7);
        SecurityPolicy second = Block(Sel("10.1.2.3/32", "192.0.2.1/32"), priority: 7);
        SecurityPolicy third = Block(Sel("10.0.0.0/8", "192.0.2.0/24"), priority: 7);
        _spd.Add(first);
        _spd.Add(second);
        _spd.Add(third);

        Assert.Same(first, _spd.Lookup(PolicyDirection.Out, FlowOf("10.1.2.3", "192.0.2.1")));

        _spd.Delete(PolicyDirection.Out, first.Selector, out _);
        Assert.Same(second, _spd.Lookup(PolicyDirection.Out, FlowOf("10.1.2.3", "192.0.2.1")));
        Assert.Same(third, _spd.Lookup(PolicyDirection.Out, FlowOf("10.1.2.4", "192.0.2.1")));
    }

    [Fact]
    public void Equal_priority_in_one_bucket_also_goes_to_the_first_installed()
    {
        // Same prefixes, so both land in one bucket; only the ports differ.
        SecurityPolicy first = Bypass(Sel("10.0.0.0/8", "192.0.2.0/24"), priority: 3);
        SecurityPolicy second = Block(Sel("10.0.0.0/8", "192.0.2.0/24").WithPorts(0, 80), priority: 3);
        _spd.Add(first);
        _spd.Add(second);

        Assert.Same(first, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1")));
    }

    [Fact]
    public void A_lower_priority_in_a_later_table_beats_an_earlier_match()
    {
        // Priority pruning must not stop before a table whose best priority still wins.
        _spd.Add(Block(Sel("0.0.0.0/0", "0.0.0.0/0"), priority: 100));
        _spd.Add(Block(Sel("10.0.0.0/8", "0.0.0.0/0"), priority: 50));
        SecurityPolicy winner = Bypass(Sel("10.1.0.0/16", "192.0.2.0/24"), priority: 49);
        _spd.Add(winner);

        Assert.Same(winner, _spd.Lookup(PolicyDirection.Out, FlowOf("10.1.0.1", "192.0.2.200")));
    }

    [Fact]
    public void A_table_whose_best_priority_rose_after_a_delete_is_still_searched()
    {
        SecurityPolicy best = Bypass(Sel("10.1.0.0/16", "0.0.0.0/0"), priority: 1);
        SecurityPolicy runnerUp = Block(Sel("10.2.0.0/16", "0.0.0.0/0"), priority: 60);
        _spd.Add(best);
        _spd.Add(runnerUp);
        SecurityPolicy fallback = Bypass(Sel("0.0.0.0/0", "0.0.0.0/0"), priority: 50);
        _spd.Add(fallback);

        _spd.Delete(PolicyDirection.Out, best.Selector, out _);

        Assert.Same(fallback, _spd.Lookup(PolicyDirection.Out, FlowOf("10.2.0.1", "192.0.2.1")));
        Assert.Same(fallback, _spd.Lookup(PolicyDirection.Out, FlowOf("10.1.0.1", "192.0.2.1")));
    }

    [Fact]
    public void Directions_are_separate()
    {
        Selector selector = Sel("10.0.0.0/8", "0.0.0.0/0");
        SecurityPolicy outbound = Bypass(selector, direction: PolicyDirection.Out);
        SecurityPolicy inbound = Block(selector, direction: PolicyDirection.In);
        _spd.Add(outbound);
        _spd.Add(inbound);
        Flow flow = FlowOf("10.0.0.1", "192.0.2.1");

        Assert.Same(outbound, _spd.Lookup(PolicyDirection.Out, flow));
        Assert.Same(inbound, _spd.Lookup(PolicyDirection.In, flow));
        Assert.Null(_spd.Lookup(PolicyDirection.Fwd, flow));
        Assert.Null(_spd.Lookup((PolicyDirection)5, flow));
    }

    [Fact]
    public void Ipv4_and_ipv6_are_separate_even_for_wildcards()
    {
        SecurityPolicy v4 = Bypass(Selector.Any(IpVersion.V4));
        SecurityPolicy v6 = Block(Selector.Any(IpVersion.V6));
        _spd.Add(v4);
        _spd.Add(v6);

        Assert.Same(v4, _spd.Lookup(PolicyDirection.Out, FlowOf("192.0.2.1", "198.51.100.1")));
        Assert.Same(v6, _spd.Lookup(PolicyDirection.Out, FlowOf("2001:db8::1", "2001:db8:1::1")));
        Assert.Null(_spd.Lookup(PolicyDirection.Out, default));
    }

    [Fact]
    public void Ipv6_prefixes_of_any_length_match()
    {
        SecurityPolicy host = Bypass(Sel("2001:db8::1/128", "2001:db8:ffff::/48"), priority: 1);
        SecurityPolicy net = Block(Sel("2001:db8::/64", "::/0"), priority: 2);
        SecurityPolicy odd = Bypass(Sel("2001:db8:0:0:8000::/65", "::/0"), priority: 0);
        _spd.Add(host);
        _spd.Add(net);
        _spd.Add(odd);

        Assert.Same(host, _spd.Lookup(PolicyDirection.Out, FlowOf("2001:db8::1", "2001:db8:ffff:1::9")));
        Assert.Same(net, _spd.Lookup(PolicyDirection.Out, FlowOf("2001:db8::2", "2001:db8:ffff:1::9")));
        Assert.Same(odd, _spd.Lookup(PolicyDirection.Out, FlowOf("2001:db8::8000:0:0:2", "2001:db8:ffff:1::9")));
        Assert.Null(_spd.Lookup(PolicyDirection.Out, FlowOf("2001:db8:1::2", "2001:db8:ffff:1::9")));
    }

    [Fact]
    public void Ports_with_masks_and_protocols_are_checked_after_the_address_hash()
    {
        Selector net = Sel("10.0.0.0/8", "192.0.2.0/24");
        SecurityPolicy https = Bypass(net.WithPorts(0, 443) with { Protocol = IpProtocol.Tcp }, priority: 1);
        SecurityPolicy highPorts = Bypass(net with { DestinationPort = 0x8000, DestinationPortMask = 0x8000, Protocol = IpProtocol.Udp }, priority: 2);
        SecurityPolicy rest = Block(net, priority: 3);
        _spd.Add(https);
        _spd.Add(highPorts);
        _spd.Add(rest);

        Assert.Same(https, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1", IpProtocol.Tcp, destinationPort: 443)));
        Assert.Same(rest, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1", IpProtocol.Udp, destinationPort: 443)));
        Assert.Same(highPorts, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1", IpProtocol.Udp, destinationPort: 40000)));
        Assert.Same(rest, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1", IpProtocol.Udp, destinationPort: 30000)));
    }

    [Fact]
    public void Icmp_type_and_code_select_through_the_port_fields()
    {
        Selector any = Sel("0.0.0.0/0", "0.0.0.0/0");
        SecurityPolicy echo = Bypass(any.WithIcmp(8) with { Protocol = IpProtocol.Icmp }, priority: 1);
        SecurityPolicy fragNeeded = Bypass(any.WithIcmp(3, 4) with { Protocol = IpProtocol.Icmp }, priority: 1);
        SecurityPolicy rest = Block(any, priority: 9);
        _spd.Add(echo);
        _spd.Add(fragNeeded);
        _spd.Add(rest);

        Assert.Same(echo, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "10.0.0.2", IpProtocol.Icmp, sourcePort: 8, destinationPort: 0)));
        Assert.Same(fragNeeded, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "10.0.0.2", IpProtocol.Icmp, sourcePort: 3, destinationPort: 4)));
        Assert.Same(rest, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "10.0.0.2", IpProtocol.Icmp, sourcePort: 3, destinationPort: 1)));
    }

    [Fact]
    public void Interface_index_restricts_the_match()
    {
        Selector net = Sel("10.0.0.0/8", "0.0.0.0/0");
        SecurityPolicy onEth2 = Block(net with { InterfaceIndex = 2 }, priority: 1);
        SecurityPolicy anywhere = Bypass(net, priority: 2);
        _spd.Add(onEth2);
        _spd.Add(anywhere);

        Assert.Same(onEth2, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1", interfaceIndex: 2)));
        Assert.Same(anywhere, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1", interfaceIndex: 3)));
    }

    [Fact]
    public void Lookup_allocates_nothing()
    {
        for (int i = 0; i < 200; i++)
        {
            _spd.Add(Bypass(Sel($"10.{i}.0.0/16", $"192.0.{i % 7}.0/24").WithPorts(0, (ushort)(i % 3 == 0 ? 80 : 0)), priority: (uint)(i % 11)));
        }

        Flow hit = FlowOf("10.5.1.1", "192.0.5.1");
        Flow miss = FlowOf("172.16.0.1", "192.0.2.1");
        _spd.Lookup(PolicyDirection.Out, hit);
        _spd.Lookup(PolicyDirection.Out, miss);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            _spd.Lookup(PolicyDirection.Out, hit);
            _spd.Lookup(PolicyDirection.Out, miss);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.NotNull(_spd.Lookup(PolicyDirection.Out, hit));
    }

    [Fact]
    public async Task Lookups_racing_writers_never_lose_the_policy_that_always_matches()
    {
        SecurityPolicy fallback = Block(Sel("0.0.0.0/0", "0.0.0.0/0"), priority: 1000);
        _spd.Add(fallback);
        Flow flow = FlowOf("10.0.0.1", "192.0.2.1");
        using var stop = new CancellationTokenSource();
        int misses = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                // The fallback always matches, so null would mean a reader saw neither the old nor the new state.
                if (_spd.Lookup(PolicyDirection.Out, flow) is null)
                {
                    Interlocked.Increment(ref misses);
                }
            }
        });

        for (int i = 0; i < 2000; i++)
        {
            Selector selector = Sel($"10.0.0.0/{8 + (i % 24)}", "0.0.0.0/0");
            _spd.Update(Bypass(selector, priority: (uint)(i % 50)));
            if (i % 3 == 0)
            {
                _spd.Delete(PolicyDirection.Out, selector, out _);
            }
        }

        await stop.CancelAsync();
        await reader;
        Assert.Equal(0, misses);
    }
}

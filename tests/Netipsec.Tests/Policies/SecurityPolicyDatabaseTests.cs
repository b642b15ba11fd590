using Microsoft.Extensions.Time.Testing;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.Tests.Policies.PolicyBuilder;

namespace Netipsec.Tests.Policies;

/// <summary>Configuration rules of the SPD: identity, indexes, update/delete/flush, dump order, validation.</summary>
public sealed class SecurityPolicyDatabaseTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly SecurityPolicyDatabase _spd;

    public SecurityPolicyDatabaseTests() => _spd = new SecurityPolicyDatabase(_time);

    [Fact]
    public void Add_installs_and_stamps_index_and_add_time()
    {
        SecurityPolicy policy = Bypass(Sel("192.0.2.0/24", "198.51.100.0/24"));

        Assert.Equal(SpdStatus.Ok, _spd.Add(policy));

        Assert.Equal(1, _spd.Count);
        Assert.NotEqual(0u, policy.Index);
        Assert.Equal(Start, policy.Current.AddTime);
        Assert.Null(policy.Current.UseTime);
        Assert.False(policy.IsDead);
    }

    [Fact]
    public void Add_of_a_taken_direction_and_selector_returns_Exists_and_keeps_the_first()
    {
        SecurityPolicy first = Bypass(Sel("192.0.2.0/24", "198.51.100.0/24"));
        SecurityPolicy second = Block(Sel("192.0.2.0/24", "198.51.100.0/24"), priority: 5);
        _spd.Add(first);
        long generation = _spd.Generation;

        Assert.Equal(SpdStatus.Exists, _spd.Add(second));

        Assert.Same(first, _spd.Get(PolicyDirection.Out, Sel("192.0.2.0/24", "198.51.100.0/24")));
        Assert.Equal(0u, second.Index);
        Assert.Equal(generation, _spd.Generation);
    }

    [Fact]
    public void Same_selector_in_another_direction_or_on_another_interface_is_another_policy()
    {
        Selector selector = Sel("192.0.2.0/24", "198.51.100.0/24");

        Assert.Equal(SpdStatus.Ok, _spd.Add(Bypass(selector, direction: PolicyDirection.Out)));
        Assert.Equal(SpdStatus.Ok, _spd.Add(Bypass(selector, direction: PolicyDirection.In)));
        Assert.Equal(SpdStatus.Ok, _spd.Add(Bypass(selector, direction: PolicyDirection.Fwd)));
        Assert.Equal(SpdStatus.Ok, _spd.Add(Bypass(selector with { InterfaceIndex = 2 })));
        Assert.Equal(SpdStatus.Ok, _spd.Add(Bypass(selector.WithPorts(0, 443))));
        Assert.Equal(5, _spd.Count);
    }

    [Fact]
    public void Index_encodes_the_direction_in_its_low_three_bits_and_is_unique()
    {
        var indexes = new HashSet<uint>();
        for (int i = 0; i < 30; i++)
        {
            var direction = (PolicyDirection)(i % 3);
            SecurityPolicy policy = Bypass(Sel($"10.0.{i}.0/24", "0.0.0.0/0"), direction: direction);
            _spd.Add(policy);

            Assert.Equal((uint)direction, policy.Index & 7);
            Assert.True(SecurityPolicyDatabase.TryGetDirectionOfIndex(policy.Index, out PolicyDirection decoded));
            Assert.Equal(direction, decoded);
            Assert.True(indexes.Add(policy.Index));
        }
    }

    [Fact]
    public void Indexes_are_not_reused_after_delete()
    {
        SecurityPolicy first = Bypass(Sel("10.0.0.0/8", "0.0.0.0/0"));
        _spd.Add(first);
        _spd.Delete(PolicyDirection.Out, first.Selector, out _);
        SecurityPolicy second = Bypass(Sel("10.0.0.0/8", "0.0.0.0/0"));
        _spd.Add(second);

        Assert.NotEqual(first.Index, second.Index);
    }

    [Theory]
    [InlineData(0u, false)]
    [InlineData(0b1000u, true)]
    [InlineData(0b1010u, true)]
    [InlineData(0b1011u, false)]
    [InlineData(0b1111u, false)]
    public void Direction_of_index_rejects_zero_and_unknown_directions(uint index, bool expected) =>
        Assert.Equal(expected, SecurityPolicyDatabase.TryGetDirectionOfIndex(index, out _));

    [Fact]
    public void Add_fails_with_IndexesExhausted_when_the_counter_ran_out()
    {
        _spd.NextIndexCounter = uint.MaxValue >> 3;
        SecurityPolicy last = Bypass(Sel("10.0.0.0/8", "0.0.0.0/0"), direction: PolicyDirection.Fwd);

        Assert.Equal(SpdStatus.Ok, _spd.Add(last));
        Assert.Equal((uint.MaxValue & ~7u) | (uint)PolicyDirection.Fwd, last.Index);
        Assert.Equal(SpdStatus.IndexesExhausted, _spd.Add(Bypass(Sel("11.0.0.0/8", "0.0.0.0/0"))));
        Assert.Equal(1, _spd.Count);
    }

    [Fact]
    public void Add_or_update_of_an_installed_or_dead_policy_object_returns_AlreadyInstalled()
    {
        SecurityPolicy policy = Bypass(Sel("10.0.0.0/8", "0.0.0.0/0"));
        _spd.Add(policy);
        var other = new SecurityPolicyDatabase(_time);

        Assert.Equal(SpdStatus.AlreadyInstalled, other.Add(policy));
        Assert.Equal(SpdStatus.AlreadyInstalled, _spd.Update(policy));
        _spd.Delete(PolicyDirection.Out, policy.Selector, out _);
        Assert.Equal(SpdStatus.AlreadyInstalled, _spd.Add(policy));
        Assert.Equal(0, other.Count);
    }

    [Fact]
    public void Update_replaces_keeps_the_index_restarts_the_lifetime_and_kills_the_old_one()
    {
        Selector selector = Sel("192.0.2.0/24", "198.51.100.0/24");
        SecurityPolicy old = Bypass(selector);
        _spd.Add(old);
        _spd.Account(old, 100);
        _time.Advance(TimeSpan.FromSeconds(10));
        long generation = _spd.Generation;
        SecurityPolicy replacement = Block(selector);

        Assert.Equal(SpdStatus.Ok, _spd.Update(replacement, out SecurityPolicy? replaced));

        Assert.Same(old, replaced);
        Assert.True(old.IsDead);
        Assert.False(replacement.IsDead);
        Assert.Equal(old.Index, replacement.Index);
        Assert.Same(replacement, _spd.Get(PolicyDirection.Out, selector));
        Assert.Same(replacement, _spd.GetByIndex(old.Index));
        Assert.Equal(Start.AddSeconds(10), replacement.Current.AddTime);
        Assert.Equal(0ul, replacement.Current.Bytes);
        Assert.Equal(1, _spd.Count);
        Assert.NotEqual(generation, _spd.Generation);
        Assert.Equal(PolicyAction.Block, _spd.Lookup(PolicyDirection.Out, FlowOf("192.0.2.1", "198.51.100.1"))!.Action);
    }

    [Fact]
    public void Update_of_a_missing_policy_adds_it_as_Linux_and_KAME_spdupdate_do()
    {
        SecurityPolicy policy = Bypass(Sel("192.0.2.0/24", "198.51.100.0/24"));

        Assert.Equal(SpdStatus.Ok, _spd.Update(policy, out SecurityPolicy? replaced));

        Assert.Null(replaced);
        Assert.NotEqual(0u, policy.Index);
        Assert.Same(policy, _spd.Get(PolicyDirection.Out, policy.Selector));
    }

    [Fact]
    public void Delete_by_selector_removes_marks_dead_and_then_reports_NotFound()
    {
        Selector selector = Sel("192.0.2.0/24", "198.51.100.0/24");
        SecurityPolicy policy = Bypass(selector);
        _spd.Add(policy);
        uint generationId = policy.GenerationId;

        Assert.Equal(SpdStatus.NotFound, _spd.Delete(PolicyDirection.In, selector, out SecurityPolicy? none));
        Assert.Null(none);
        Assert.Equal(SpdStatus.Ok, _spd.Delete(PolicyDirection.Out, selector, out SecurityPolicy? removed));

        Assert.Same(policy, removed);
        Assert.True(policy.IsDead);
        Assert.NotEqual(generationId, policy.GenerationId);
        Assert.Equal(0, _spd.Count);
        Assert.Null(_spd.Get(PolicyDirection.Out, selector));
        Assert.Null(_spd.GetByIndex(policy.Index));
        Assert.Null(_spd.Lookup(PolicyDirection.Out, FlowOf("192.0.2.1", "198.51.100.1")));
        Assert.Equal(SpdStatus.NotFound, _spd.Delete(PolicyDirection.Out, selector, out _));
    }

    [Fact]
    public void Delete_by_index_removes_that_policy_only()
    {
        SecurityPolicy keep = Bypass(Sel("10.0.0.0/8", "0.0.0.0/0"));
        SecurityPolicy drop = Bypass(Sel("11.0.0.0/8", "0.0.0.0/0"));
        _spd.Add(keep);
        _spd.Add(drop);

        Assert.Equal(SpdStatus.Ok, _spd.DeleteByIndex(drop.Index, out SecurityPolicy? removed));

        Assert.Same(drop, removed);
        Assert.True(drop.IsDead);
        Assert.False(keep.IsDead);
        Assert.Same(keep, _spd.GetByIndex(keep.Index));
        Assert.Equal(SpdStatus.NotFound, _spd.DeleteByIndex(drop.Index, out _));
        Assert.Equal(SpdStatus.NotFound, _spd.DeleteByIndex(0, out _));
    }

    [Fact]
    public void Get_needs_the_exact_selector_not_just_a_matching_one()
    {
        SecurityPolicy policy = Bypass(Sel("192.0.2.0/24", "198.51.100.0/24"));
        _spd.Add(policy);

        Assert.Same(policy, _spd.Get(PolicyDirection.Out, Sel("192.0.2.77/24", "198.51.100.0/24")));
        Assert.Null(_spd.Get(PolicyDirection.Out, Sel("192.0.2.0/25", "198.51.100.0/24")));
        Assert.Null(_spd.Get(PolicyDirection.Out, Sel("192.0.2.0/24", "198.51.100.0/24") with { Protocol = IpProtocol.Tcp }));
        Assert.Null(_spd.GetByIndex(policy.Index + 8));
    }

    [Fact]
    public void Flush_removes_everything_marks_dead_and_counts()
    {
        var policies = new List<SecurityPolicy>();
        for (int i = 0; i < 5; i++)
        {
            SecurityPolicy policy = Bypass(Sel($"10.{i}.0.0/16", "0.0.0.0/0"), direction: (PolicyDirection)(i % 3));
            policies.Add(policy);
            _spd.Add(policy);
        }

        long generation = _spd.Generation;

        Assert.Equal(5, _spd.Flush());

        Assert.All(policies, policy => Assert.True(policy.IsDead));
        Assert.Equal(0, _spd.Count);
        Assert.Empty(_spd.Dump());
        Assert.NotEqual(generation, _spd.Generation);
        Assert.Null(_spd.Lookup(PolicyDirection.Out, FlowOf("10.1.0.1", "192.0.2.1")));
        Assert.Null(_spd.GetByIndex(policies[0].Index));
        Assert.Equal(SpdStatus.Ok, _spd.Add(Bypass(Sel("10.0.0.0/16", "0.0.0.0/0"))));
    }

    [Fact]
    public void Flush_of_an_empty_spd_changes_nothing()
    {
        long generation = _spd.Generation;

        Assert.Equal(0, _spd.Flush());
        Assert.Equal(generation, _spd.Generation);
    }

    [Fact]
    public void Generation_changes_on_every_change_and_not_on_reads()
    {
        Selector selector = Sel("10.0.0.0/8", "0.0.0.0/0");
        long g0 = _spd.Generation;
        _spd.Add(Bypass(selector));
        long g1 = _spd.Generation;
        _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1"));
        _spd.Get(PolicyDirection.Out, selector);
        _spd.Dump();
        long g2 = _spd.Generation;
        _spd.Update(Block(selector));
        long g3 = _spd.Generation;
        _spd.Delete(PolicyDirection.Out, selector, out _);
        long g4 = _spd.Generation;

        Assert.NotEqual(g0, g1);
        Assert.Equal(g1, g2);
        Assert.NotEqual(g2, g3);
        Assert.NotEqual(g3, g4);
    }

    [Fact]
    public void Dump_orders_by_direction_then_priority_then_insertion()
    {
        SecurityPolicy outLate = Bypass(Sel("10.0.0.0/8", "0.0.0.0/0"), priority: 10);
        SecurityPolicy inAny = Bypass(Sel("10.0.0.0/8", "0.0.0.0/0"), priority: 50, direction: PolicyDirection.In);
        SecurityPolicy outFirst = Bypass(Sel("11.0.0.0/8", "0.0.0.0/0"), priority: 10);
        SecurityPolicy outUrgent = Bypass(Sel("12.0.0.0/8", "0.0.0.0/0"), priority: 1);
        SecurityPolicy fwd = Bypass(Sel("13.0.0.0/8", "0.0.0.0/0"), priority: 0, direction: PolicyDirection.Fwd);
        foreach (SecurityPolicy policy in new[] { fwd, outLate, inAny, outFirst, outUrgent })
        {
            _spd.Add(policy);
        }

        Assert.Equal([inAny, outUrgent, outLate, outFirst, fwd], _spd.Dump());
    }

    [Fact]
    public void Update_with_the_same_priority_keeps_its_place_among_equals()
    {
        Selector selector = Sel("10.0.0.0/8", "0.0.0.0/0");
        _spd.Add(Bypass(selector, priority: 5));
        SecurityPolicy younger = Block(Sel("10.0.0.0/16", "0.0.0.0/0"), priority: 5);
        _spd.Add(younger);
        SecurityPolicy replacement = Block(selector, priority: 5);

        _spd.Update(replacement);

        Assert.Equal([replacement, younger], _spd.Dump());
        Assert.Same(replacement, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1")));
    }

    [Fact]
    public void Update_with_another_priority_goes_behind_its_new_peers()
    {
        Selector selector = Sel("10.0.0.0/8", "0.0.0.0/0");
        _spd.Add(Bypass(selector, priority: 1));
        SecurityPolicy peer = Block(Sel("10.0.0.0/16", "0.0.0.0/0"), priority: 5);
        _spd.Add(peer);
        SecurityPolicy replacement = Bypass(selector, priority: 5);

        _spd.Update(replacement);

        Assert.Equal([peer, replacement], _spd.Dump());
        Assert.Same(peer, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1")));
    }

    [Theory]
    [InlineData("unknown direction")]
    [InlineData("unknown action")]
    [InlineData("selector of two IP versions")]
    [InlineData("soft limit above hard limit")]
    [InlineData("tunnel endpoints of two IP versions")]
    [InlineData("transport template of another family")]
    [InlineData("optional tunnel template in an outbound policy")]
    [InlineData("unknown template mode")]
    public void Invalid_policies_are_refused_and_nothing_changes(string rule)
    {
        SecurityPolicy policy = InvalidPolicy(rule);

        Assert.Equal(SpdStatus.Invalid, _spd.Add(policy));
        Assert.Equal(SpdStatus.Invalid, _spd.Update(policy));
        Assert.Equal(0, _spd.Count);
        Assert.Equal(0u, policy.Index);
    }

    [Theory]
    [InlineData("optional tunnel template in an inbound policy")]
    [InlineData("IPv6 in IPv4 tunnel then an IPv4 transport template")]
    [InlineData("tunnel with a wildcard source")]
    [InlineData("soft limit within hard limit")]
    public void Valid_edge_cases_are_accepted(string rule) =>
        Assert.Equal(SpdStatus.Ok, _spd.Add(ValidEdgePolicy(rule)));

    private static SecurityPolicy InvalidPolicy(string rule)
    {
        Selector v4 = Sel("10.0.0.0/8", "0.0.0.0/0");
        return rule switch
        {
            "unknown direction" => new SecurityPolicy((PolicyDirection)3, v4, PolicyAction.Bypass),
            "unknown action" => new SecurityPolicy(PolicyDirection.Out, v4, (PolicyAction)7),
            "selector of two IP versions" => Bypass(v4 with { Destination = IpPrefix.Any(IpVersion.V6) }),
            "soft limit above hard limit" => new SecurityPolicy(PolicyDirection.Out, v4, PolicyAction.Bypass)
            {
                SoftLimits = new LifetimeLimits(1000, 0, TimeSpan.Zero, TimeSpan.Zero),
                HardLimits = new LifetimeLimits(10, 0, TimeSpan.Zero, TimeSpan.Zero),
            },
            "tunnel endpoints of two IP versions" => Ipsec(v4, Tunnel("192.0.2.1", "2001:db8::1")),
            "transport template of another family" => Ipsec(v4, new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport)
            {
                TunnelDestination = IpAddress.Parse("2001:db8::1"),
            }),
            "optional tunnel template in an outbound policy" => Ipsec(v4, Tunnel("192.0.2.1", "192.0.2.2") with { Level = TemplateLevel.Use }),
            "unknown template mode" => Ipsec(v4, new PolicyTemplate(IpsecProtocol.Esp, (XfrmMode)9)),
            _ => throw new ArgumentOutOfRangeException(nameof(rule)),
        };
    }

    private static SecurityPolicy ValidEdgePolicy(string rule)
    {
        Selector v4 = Sel("10.0.0.0/8", "0.0.0.0/0");
        return rule switch
        {
            "optional tunnel template in an inbound policy" =>
                Ipsec(v4, Tunnel("192.0.2.1", "192.0.2.2") with { Level = TemplateLevel.Use }, PolicyDirection.In),
            "IPv6 in IPv4 tunnel then an IPv4 transport template" => new SecurityPolicy(
                PolicyDirection.Out,
                Sel("2001:db8::/32", "::/0"),
                PolicyAction.Ipsec,
                [Tunnel("192.0.2.1", "192.0.2.2"), new PolicyTemplate(IpsecProtocol.Ah, XfrmMode.Transport) { TunnelDestination = IpAddress.Parse("192.0.2.2") }]),
            "tunnel with a wildcard source" => Ipsec(v4, Tunnel("0.0.0.0", "192.0.2.2")),
            "soft limit within hard limit" => new SecurityPolicy(PolicyDirection.Out, v4, PolicyAction.Bypass)
            {
                SoftLimits = new LifetimeLimits(10, 0, TimeSpan.Zero, TimeSpan.Zero),
                HardLimits = new LifetimeLimits(1000, 0, TimeSpan.Zero, TimeSpan.Zero),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(rule)),
        };
    }
}

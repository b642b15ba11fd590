using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.Tests.Engine.EngineTestData;

namespace Netipsec.Tests.Engine;

public sealed class FlowCacheTests
{
    private readonly EngineTestData _data = new();

    [Fact]
    public void A_second_lookup_of_a_flow_is_served_from_the_cache()
    {
        SecurityAssociation esp = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        var cache = new FlowCache(_data.Resolver);

        FlowCacheEntry first = cache.Lookup(PolicyDirection.Out, HostFlow());
        FlowCacheEntry second = cache.Lookup(PolicyDirection.Out, HostFlow());

        Assert.Same(first, second);
        Assert.Same(policy, first.Policy);
        Assert.Equal(BundleStatus.Ok, first.Resolution.Status);
        Assert.Same(esp, Assert.Single(first.Resolution.Bundle!.States));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Different_flows_and_directions_get_their_own_entries()
    {
        _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        var cache = new FlowCache(_data.Resolver);

        FlowCacheEntry out443 = cache.Lookup(PolicyDirection.Out, HostFlow(destinationPort: 443));
        FlowCacheEntry out80 = cache.Lookup(PolicyDirection.Out, HostFlow(destinationPort: 80));
        FlowCacheEntry in443 = cache.Lookup(PolicyDirection.In, HostFlow(destinationPort: 443));

        Assert.NotSame(out443, out80);
        Assert.Null(in443.Policy);
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void A_hit_allocates_nothing()
    {
        _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        var cache = new FlowCache(_data.Resolver);
        Flow flow = HostFlow();
        cache.Lookup(PolicyDirection.Out, flow);

        Assert.Equal(0, SteadyState.AllocatedBytes(_ => cache.Lookup(PolicyDirection.Out, flow), iterations: 1000));
    }

    [Fact]
    public void Packets_of_a_flow_waiting_for_an_SA_raise_one_ACQUIRE_and_get_the_bundle_once_it_is_added()
    {
        _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        var cache = new FlowCache(_data.Resolver);

        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(BundleStatus.Missing, cache.Lookup(PolicyDirection.Out, HostFlow()).Resolution.Status);
        }

        Assert.Single(_data.Listener.Acquires);

        SecurityAssociation esp = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        FlowCacheEntry entry = cache.Lookup(PolicyDirection.Out, HostFlow());
        Assert.Equal(BundleStatus.Ok, entry.Resolution.Status);
        Assert.Same(esp, Assert.Single(entry.Resolution.Bundle!.States));
    }

    [Fact]
    public void A_missing_result_is_cached_until_the_SAD_changes()
    {
        _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        var cache = new FlowCache(_data.Resolver);

        // The ACQUIRE's own acquire state changes the SAD, so the first result is stale at once; the second sticks.
        cache.Lookup(PolicyDirection.Out, HostFlow());
        FlowCacheEntry settled = cache.Lookup(PolicyDirection.Out, HostFlow());

        Assert.Same(settled, cache.Lookup(PolicyDirection.Out, HostFlow()));
    }

    [Fact]
    public void An_SPD_change_invalidates_cached_entries()
    {
        _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        var cache = new FlowCache(_data.Resolver);
        FlowCacheEntry before = cache.Lookup(PolicyDirection.Out, HostFlow());

        var block = new SecurityPolicy(PolicyDirection.Out, HostSelector, PolicyAction.Block);
        Assert.Equal(SpdStatus.Ok, _data.Spd.Update(block));
        FlowCacheEntry after = cache.Lookup(PolicyDirection.Out, HostFlow());

        Assert.NotSame(before, after);
        Assert.Same(block, after.Policy);
        Assert.Equal(BundleStatus.None, after.Resolution.Status);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void An_SAD_change_invalidates_cached_bundles()
    {
        SecurityAssociation old = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        var cache = new FlowCache(_data.Resolver);
        Assert.Same(old, cache.Lookup(PolicyDirection.Out, HostFlow()).Resolution.Bundle!.States[0]);

        Assert.Equal(SadStatus.Ok, _data.Sad.Delete(old.Id));
        SecurityAssociation replacement = _data.Install(IpsecProtocol.Esp, 0x1001, HostA, HostB);

        Assert.Same(replacement, cache.Lookup(PolicyDirection.Out, HostFlow()).Resolution.Bundle!.States[0]);
    }

    [Fact]
    public void Flows_without_a_policy_and_non_IPsec_policies_resolve_no_bundle()
    {
        var bypass = new SecurityPolicy(PolicyDirection.Out, HostSelector, PolicyAction.Bypass);
        _data.Install(bypass);
        var cache = new FlowCache(_data.Resolver);

        FlowCacheEntry covered = cache.Lookup(PolicyDirection.Out, HostFlow());
        FlowCacheEntry uncovered = cache.Lookup(PolicyDirection.Out, new Flow(HostB, HostA, IpProtocol.Udp, 53, 53));

        Assert.Same(bypass, covered.Policy);
        Assert.Equal(BundleStatus.None, covered.Resolution.Status);
        Assert.Null(uncovered.Policy);
        Assert.Equal(BundleStatus.None, uncovered.Resolution.Status);
    }

    [Fact]
    public void Inbound_lookups_cache_the_policy_without_resolving()
    {
        SecurityPolicy inbound = _data.Install(Policy(PolicyDirection.In, Transport(IpsecProtocol.Esp)));
        var cache = new FlowCache(_data.Resolver);

        FlowCacheEntry entry = cache.Lookup(PolicyDirection.In, HostFlow());

        Assert.Same(inbound, entry.Policy);
        Assert.Equal(BundleStatus.None, entry.Resolution.Status);
        Assert.Empty(_data.Listener.Acquires);
    }

    [Fact]
    public void Two_flows_share_a_set_and_a_third_one_evicts_one_of_them()
    {
        var cache = new FlowCache(_data.Resolver, capacity: 2); // one set of two ways
        FlowCacheEntry first = cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 1));
        FlowCacheEntry second = cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 2));

        Assert.Same(first, cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 1)));
        Assert.Same(second, cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 2)));
        Assert.Equal(2, cache.Count);

        cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 3));

        Assert.Equal(2, cache.Count);
        int kept = (ReferenceEquals(first, cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 1))) ? 1 : 0)
            + (ReferenceEquals(second, cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 2))) ? 1 : 0);
        Assert.True(kept <= 1, "the third flow took one of the two ways");
    }

    [Fact]
    public void Entries_a_database_change_made_stale_give_their_ways_to_new_flows()
    {
        _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB); // so the lookups below raise no ACQUIRE, which would change the SAD
        var cache = new FlowCache(_data.Resolver, capacity: 2);
        cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 1));
        cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 2));
        _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp))); // a new SPD generation: both stale

        FlowCacheEntry third = cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 3));
        FlowCacheEntry fourth = cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 4));

        // Each took a stale way instead of evicting the other, whatever their hashes.
        Assert.Same(third, cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 3)));
        Assert.Same(fourth, cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: 4)));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void The_capacity_is_rounded_up_to_a_power_of_two_and_bounded()
    {
        Assert.Equal(8, new FlowCache(_data.Resolver, capacity: 5).Capacity);
        Assert.Equal(2, new FlowCache(_data.Resolver, capacity: 1).Capacity);
        Assert.Equal(FlowCache.DefaultCapacity, new FlowCache(_data.Resolver).Capacity);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowCache(_data.Resolver, capacity: FlowCache.MaxCapacity + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowCache(_data.Resolver, capacity: 0));
    }

    [Fact]
    public void Many_flows_spread_over_the_slots()
    {
        var cache = new FlowCache(_data.Resolver, capacity: 1024);
        for (ushort port = 1; port <= 512; port++)
        {
            cache.Lookup(PolicyDirection.Out, HostFlow(sourcePort: port));
        }

        // 512 flows into 512 sets of two: a few sets get three or more (about 50 flows lost on average, a few dozen either
        // way); a hash that ignored the port would leave two entries.
        Assert.InRange(cache.Count, 400, 512);
    }

    [Fact]
    public void An_accepted_inbound_secpath_is_remembered_only_for_that_single_SA()
    {
        SecurityAssociation first = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityAssociation second = _data.Install(IpsecProtocol.Esp, 0x1001, HostA, HostB);
        _data.Install(Policy(PolicyDirection.In, Transport(IpsecProtocol.Esp)));
        var cache = new FlowCache(_data.Resolver);
        FlowCacheEntry entry = cache.Lookup(PolicyDirection.In, HostFlow());
        var throughFirst = default(SecPath);
        throughFirst.TryAdd(first);
        var throughSecond = default(SecPath);
        throughSecond.TryAdd(second);
        var throughBoth = default(SecPath);
        throughBoth.TryAdd(first);
        throughBoth.TryAdd(second);

        Assert.False(entry.WasAccepted(throughFirst));
        entry.RememberAccepted(throughFirst);
        entry.RememberAccepted(throughBoth); // longer secpaths are checked in full every time

        Assert.True(entry.WasAccepted(throughFirst));
        Assert.False(entry.WasAccepted(throughSecond));
        Assert.False(entry.WasAccepted(throughBoth));
    }

    [Fact]
    public void Nothing_is_remembered_for_a_flow_without_policy()
    {
        SecurityAssociation esp = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        FlowCacheEntry entry = new FlowCache(_data.Resolver).Lookup(PolicyDirection.In, HostFlow());
        var secPath = default(SecPath);
        secPath.TryAdd(esp);

        entry.RememberAccepted(secPath);

        Assert.Null(entry.Policy);
        Assert.False(entry.WasAccepted(secPath));
    }

    [Fact]
    public void Clear_empties_the_cache()
    {
        var cache = new FlowCache(_data.Resolver);
        FlowCacheEntry first = cache.Lookup(PolicyDirection.Out, HostFlow());

        cache.Clear();

        Assert.Equal(0, cache.Count);
        Assert.NotSame(first, cache.Lookup(PolicyDirection.Out, HostFlow()));
    }
}

using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.Tests.Engine.EngineTestData;

namespace Netipsec.Tests.Engine;

public sealed class HoldQueueTests
{
    private readonly EngineTestData _data = new();
    private readonly PacketPool _pool = new(capacity: 256, bufferSize: 256, headroom: 32, diagnostics: false);

    [Fact]
    public void A_policy_holds_at_most_100_packets()
    {
        var queue = new HoldQueue(_data.Clock);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        for (int i = 0; i < HoldQueue.MaxPacketsPerPolicy; i++)
        {
            Assert.True(queue.TryHold(policy, Numbered(i)));
        }

        Packet extra = Numbered(100);
        Assert.False(queue.TryHold(policy, extra));
        Assert.Equal(100, queue.CountOf(policy));
        Assert.Equal(100, queue.Count);

        SecurityPolicy other = _data.Install(new SecurityPolicy(
            PolicyDirection.Out, new Selector(IpPrefix.Host(HostB), IpPrefix.Host(HostA)), PolicyAction.Ipsec, [Transport(IpsecProtocol.Esp)]));
        Assert.True(queue.TryHold(other, extra), "the limit is per policy");
        Assert.Equal(101, queue.Count);
    }

    [Fact]
    public void Held_packets_are_released_in_the_order_they_came()
    {
        var queue = new HoldQueue(_data.Clock);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        for (int i = 0; i < 5; i++)
        {
            queue.TryHold(policy, Numbered(i));
        }

        var released = new List<int>();
        HoldQueueSweep sweep = queue.Process(released, static (list, _, packet) =>
        {
            list.Add(packet.Data[0]);
            packet.Pool.Return(packet);
            return HeldPacketVerdict.Taken;
        });

        Assert.Equal([0, 1, 2, 3, 4], released);
        Assert.Equal(new HoldQueueSweep(5, 0, 0), sweep);
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, _pool.RentedCount);
    }

    [Fact]
    public void Keep_leaves_the_packet_and_those_behind_it_held()
    {
        var queue = new HoldQueue(_data.Clock);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        for (int i = 0; i < 3; i++)
        {
            queue.TryHold(policy, Numbered(i));
        }

        var offered = new List<int>();
        HoldQueueSweep sweep = queue.Process(offered, static (list, _, packet) =>
        {
            list.Add(packet.Data[0]);
            return HeldPacketVerdict.Keep;
        });

        Assert.Equal([0], offered);
        Assert.Equal(new HoldQueueSweep(0, 0, 0), sweep);
        Assert.Equal(3, queue.CountOf(policy));
    }

    [Fact]
    public void The_retry_callback_decides_with_the_resolver_once_the_SA_is_added()
    {
        var queue = new HoldQueue(_data.Clock);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        queue.TryHold(policy, Numbered(1));
        queue.TryHold(policy, Numbered(2));
        var sent = new List<int>();
        var context = (_data.Resolver, Sent: sent);

        Assert.Equal(0, queue.Process(context, Retry).Taken);
        _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        Assert.Equal(2, queue.Process(context, Retry).Taken);

        Assert.Equal([1, 2], sent);
        Assert.Single(_data.Listener.Acquires);

        static HeldPacketVerdict Retry((BundleResolver Resolver, List<int> Sent) context, SecurityPolicy policy, Packet packet)
        {
            if (context.Resolver.Resolve(policy, HostFlow()).Status != BundleStatus.Ok)
            {
                return HeldPacketVerdict.Keep;
            }

            context.Sent.Add(packet.Data[0]);
            packet.Pool.Return(packet);
            return HeldPacketVerdict.Taken;
        }
    }

    [Fact]
    public void Packets_held_longer_than_the_timeout_are_returned_to_their_pool()
    {
        var queue = new HoldQueue(_data.Clock, TimeSpan.FromSeconds(5));
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        queue.TryHold(policy, Numbered(0));
        queue.TryHold(policy, Numbered(1));
        _data.Clock.Advance(TimeSpan.FromSeconds(3));
        queue.TryHold(policy, Numbered(2));
        _data.Clock.Advance(TimeSpan.FromSeconds(2));

        var offered = new List<int>();
        HoldQueueSweep sweep = queue.Process(offered, static (list, _, packet) =>
        {
            list.Add(packet.Data[0]);
            return HeldPacketVerdict.Keep;
        });

        Assert.Equal(new HoldQueueSweep(0, 2, 0), sweep);
        Assert.Equal([2], offered);
        Assert.Equal(1, _pool.RentedCount);
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void A_packet_just_inside_the_timeout_is_still_offered()
    {
        var queue = new HoldQueue(_data.Clock);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        queue.TryHold(policy, Numbered(0));
        _data.Clock.Advance(HoldQueue.DefaultTimeout - TimeSpan.FromMilliseconds(1));

        Assert.Equal(new HoldQueueSweep(0, 0, 0), queue.Process(0, static (_, _, _) => HeldPacketVerdict.Keep));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void A_dead_policy_loses_its_packets_and_takes_no_more()
    {
        var queue = new HoldQueue(_data.Clock);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        queue.TryHold(policy, Numbered(0));
        queue.TryHold(policy, Numbered(1));
        Assert.Equal(SpdStatus.Ok, _data.Spd.Delete(PolicyDirection.Out, policy.Selector, out _));

        int offered = 0;
        HoldQueueSweep sweep = queue.Process(0, (_, _, _) =>
        {
            offered++;
            return HeldPacketVerdict.Keep;
        });

        Assert.Equal(new HoldQueueSweep(0, 0, 2), sweep);
        Assert.Equal(0, offered);
        Assert.Equal(0, _pool.RentedCount);
        Packet late = Numbered(2);
        Assert.False(queue.TryHold(policy, late));
    }

    [Fact]
    public void A_policy_can_hold_again_after_its_queue_was_emptied()
    {
        var queue = new HoldQueue(_data.Clock);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        queue.TryHold(policy, Numbered(0));
        queue.Process(0, static (_, _, packet) =>
        {
            packet.Pool.Return(packet);
            return HeldPacketVerdict.Taken;
        });

        Assert.True(queue.TryHold(policy, Numbered(1)));
        Assert.Equal(1, queue.CountOf(policy));
    }

    [Fact]
    public void Clear_returns_every_packet()
    {
        var queue = new HoldQueue(_data.Clock);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        for (int i = 0; i < 7; i++)
        {
            queue.TryHold(policy, Numbered(i));
        }

        Assert.Equal(7, queue.Clear());
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, _pool.RentedCount);
    }

    [Fact]
    public void Holding_from_many_threads_keeps_the_limit_and_the_count()
    {
        var queue = new HoldQueue(_data.Clock);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        var packets = Enumerable.Range(0, 200).Select(Numbered).ToArray();
        int accepted = 0;

        Parallel.ForEach(packets, packet =>
        {
            if (queue.TryHold(policy, packet))
            {
                Interlocked.Increment(ref accepted);
            }
        });

        Assert.Equal(100, accepted);
        Assert.Equal(100, queue.Count);
    }

    [Fact]
    public void The_timeout_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HoldQueue(_data.Clock, TimeSpan.Zero));
        Assert.Equal(HoldQueue.DefaultTimeout, new HoldQueue(_data.Clock).Timeout);
    }

    private Packet Numbered(int number)
    {
        Packet packet = _pool.Rent();
        packet.Put(1)[0] = (byte)number;
        return packet;
    }
}

using Netipsec.Simulation;
using Netipsec.Engine;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.Simulation;

/// <summary>The gateways hold packets while their SAs are missing (LarvalDrop off): released in order, or dropped and counted.</summary>
public sealed class HoldQueueTests
{
    private readonly SiteToSite _net = new(options: new XfrmOutputOptions { LarvalDrop = false });
    private readonly KeyManagerRecorder _keyManager;

    public HoldQueueTests()
    {
        Assert.Equal(SadStatus.Ok, _net.WestGateway.Engine.States.Delete(new SaId(_net.EastGatewayOuter, SiteToSite.WestToEastSpi, IpsecProtocol.Esp)));
        _keyManager = KeyManagerRecorder.On(_net.WestGateway.Engine);
    }

    [Fact]
    public void Held_packets_leave_in_order_on_the_timer_once_the_sa_arrives()
    {
        MibWatch mib = _net.Watch();
        byte[][] sent = [.. Enumerable.Range(1, 3).Select(Send)];
        Assert.Equal(3, _net.WestGateway.Output.HeldPackets);
        Assert.Single(_keyManager.Acquires);

        _net.WestGateway.Output.RunTimers(); // nothing changed yet: they stay
        Assert.Equal(3, _net.WestGateway.Output.HeldPackets);
        AddWestOutboundSa();
        _net.WestGateway.Output.RunTimers();

        Assert.Equal(sent, _net.EastHost.Inbox);
        Assert.Equal(0, _net.WestGateway.Output.HeldPackets);
        mib.AssertNone();
    }

    [Fact]
    public void The_next_packet_after_the_sa_arrives_releases_the_held_ones_ahead_of_itself()
    {
        MibWatch mib = _net.Watch();
        byte[][] held = [.. Enumerable.Range(1, 3).Select(Send)];

        AddWestOutboundSa();
        byte[] next = Send(4);

        Assert.Equal([.. held, next], _net.EastHost.Inbox);
        Assert.Equal(4ul, SiteToSite.StateOf(_net.EastGateway, _net.EastGatewayOuter, SiteToSite.WestToEastSpi).ReplayWindow!.Highest);
        mib.AssertNone();
    }

    [Fact]
    public void Packets_held_past_the_timeout_count_OutNoStates()
    {
        Send(1);
        Send(2);
        MibWatch mib = _net.Watch();

        _net.Clock.Advance(HoldQueue.DefaultTimeout);
        _net.WestGateway.Output.RunTimers();

        Assert.Equal(0, _net.WestGateway.Output.HeldPackets);
        AddWestOutboundSa();
        _net.WestGateway.Output.RunTimers();
        Assert.Empty(_net.EastHost.Inbox);
        mib.AssertOnly(_net.WestGateway, DropReason.OutNoStates, 2);
    }

    [Fact]
    public void Packets_beyond_the_queue_limit_count_OutNoStates()
    {
        MibWatch mib = _net.Watch();

        for (int i = 0; i < HoldQueue.MaxPacketsPerPolicy + 2; i++)
        {
            Send(i);
        }

        Assert.Equal(HoldQueue.MaxPacketsPerPolicy, _net.WestGateway.Output.HeldPackets);
        mib.AssertOnly(_net.WestGateway, DropReason.OutNoStates, 2);
    }

    [Fact]
    public void Packets_held_for_a_policy_that_was_replaced_count_OutPolDead()
    {
        Send(1);
        Send(2);
        MibWatch mib = _net.Watch();

        Assert.Equal(SpdStatus.Ok, _net.WestGateway.Engine.Policies.Update(new SecurityPolicy(
            PolicyDirection.Out,
            new Selector(_net.WestSite, _net.EastSite),
            PolicyAction.Ipsec,
            [new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = _net.WestGatewayOuter, TunnelDestination = _net.EastGatewayOuter, ReqId = 1 }])));
        AddWestOutboundSa();
        _net.WestGateway.Output.RunTimers();

        Assert.Equal(0, _net.WestGateway.Output.HeldPackets);
        Assert.Empty(_net.EastHost.Inbox);
        mib.AssertOnly(_net.WestGateway, DropReason.OutPolDead, 2);
    }

    private byte[] Send(int tag)
    {
        byte[] packet = Traffic.Udp(_net.WestHostAddress, _net.EastHostAddress, 5000, (ushort)(1000 + tag), 64);
        Assert.Equal(XfrmVerdict.Bypassed, _net.WestHost.Send(packet));
        return packet;
    }

    private void AddWestOutboundSa() => Assert.Equal(SadStatus.Ok, _net.WestGateway.Engine.States.Add(_net.WestToEast()));
}

using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;

namespace Netipsec.Tests.Simulation;

/// <summary>SA and policy lifetimes counted by real traffic through the site-to-site tunnel, and what happens when they run out.</summary>
public sealed class LifetimeTrafficTests
{
    private readonly SiteToSite _net = new();
    private readonly KeyManagerRecorder _west;
    private readonly KeyManagerRecorder _east;

    public LifetimeTrafficTests()
    {
        _west = KeyManagerRecorder.On(_net.WestGateway.Engine);
        _east = KeyManagerRecorder.On(_net.EastGateway.Engine);
    }

    [Theory]
    [InlineData("packets")]
    [InlineData("bytes")]
    public void A_soft_limit_raises_one_soft_expire_on_each_side_and_traffic_continues(string kind)
    {
        var soft = kind == "packets" ? new LifetimeLimits(0, 3, default, default) : new LifetimeLimits(500, 0, default, default);
        SetLimits(soft, soft, default, default);
        MibWatch mib = _net.Watch();

        byte[][] sent = [.. Enumerable.Range(1, 12).Select(Send)];

        Assert.Equal(sent, _net.EastHost.Inbox);
        Assert.Equal([(SiteToSite.WestToEastSpi, ExpiryKind.Soft)], _west.Expired);
        Assert.Equal([(SiteToSite.WestToEastSpi, ExpiryKind.Soft)], _east.Expired);
        Assert.Equal(SaState.Dying, WestOutbound.State);
        Assert.Equal(SaState.Dying, EastInbound.State);
        Assert.Empty(_west.Acquires);
        mib.AssertNone();
    }

    [Fact]
    public void A_hard_packet_limit_on_the_sender_ends_the_sa_after_its_last_packet_and_the_next_one_counts_OutNoStates_with_an_acquire()
    {
        SetLimits(default, default, new LifetimeLimits(0, 3, default, default), default);
        MibWatch mib = _net.Watch();

        byte[][] sent = [.. Enumerable.Range(1, 3).Select(Send)];
        Assert.Equal([(SiteToSite.WestToEastSpi, ExpiryKind.Hard)], _west.Expired);
        Assert.False(_net.WestGateway.Engine.States.TryLookupBySpi(_net.EastGatewayOuter, SiteToSite.WestToEastSpi, IpsecProtocol.Esp, out _));
        mib.AssertNone();

        Send(4);

        Assert.Equal(sent, _net.EastHost.Inbox);
        Assert.Single(_west.Acquires);
        mib.AssertOnly(_net.WestGateway, DropReason.OutNoStates);
    }

    [Fact]
    public void A_hard_packet_limit_on_the_receiver_ends_its_sa_and_the_next_packet_counts_InNoStates()
    {
        SetLimits(default, default, default, new LifetimeLimits(0, 3, default, default));
        MibWatch mib = _net.Watch();

        byte[][] sent = [.. Enumerable.Range(1, 4).Select(Send)];

        Assert.Equal(sent[..3], _net.EastHost.Inbox);
        Assert.Equal([(SiteToSite.WestToEastSpi, ExpiryKind.Hard)], _east.Expired);
        Assert.Empty(_west.Expired);
        mib.AssertOnly(_net.EastGateway, DropReason.InNoStates);
    }

    [Fact]
    public void Time_limits_expire_soft_then_hard_on_the_timer()
    {
        var soft = new LifetimeLimits(0, 0, TimeSpan.FromSeconds(10), default);
        var hard = new LifetimeLimits(0, 0, TimeSpan.FromSeconds(20), default);
        SetLimits(soft, soft, hard, hard);
        MibWatch mib = _net.Watch();

        byte[] first = Send(1);
        _net.Clock.Advance(TimeSpan.FromSeconds(10));
        RunExpiry();
        Assert.Equal([(SiteToSite.WestToEastSpi, ExpiryKind.Soft)], _west.Expired);
        Assert.Equal([(SiteToSite.WestToEastSpi, ExpiryKind.Soft)], _east.Expired);
        byte[] second = Send(2);
        Assert.Equal([first, second], _net.EastHost.Inbox);
        mib.AssertNone();

        _net.Clock.Advance(TimeSpan.FromSeconds(10));
        RunExpiry();
        Assert.Equal(ExpiryKind.Hard, _west.StateExpirations[^1].Kind);
        Assert.Equal(ExpiryKind.Hard, _east.StateExpirations[^1].Kind);
        Send(3);

        Assert.Equal([first, second], _net.EastHost.Inbox);
        Assert.Single(_west.Acquires);
        mib.AssertOnly(_net.WestGateway, DropReason.OutNoStates);
    }

    [Fact]
    public void The_policies_on_both_gateways_count_the_inner_packets_they_pass()
    {
        byte[][] westToEast = [.. Enumerable.Range(1, 4).Select(Send)];
        byte[][] eastToWest =
        [
            Traffic.Tcp(_net.EastHostAddress, _net.WestHostAddress, 443, 40000, 700),
            Traffic.Ping(_net.EastHostAddress, _net.WestHostAddress, payloadLength: 100),
        ];
        foreach (byte[] packet in eastToWest)
        {
            _net.EastHost.Send(packet);
        }

        Assert.Equal(eastToWest, _net.WestHost.Inbox);
        AssertCounted(Policy(_net.WestGateway, PolicyDirection.Out, _net.WestSite, _net.EastSite), westToEast);
        AssertCounted(Policy(_net.EastGateway, PolicyDirection.Fwd, _net.WestSite, _net.EastSite), westToEast);
        AssertCounted(Policy(_net.EastGateway, PolicyDirection.Out, _net.EastSite, _net.WestSite), eastToWest);
        AssertCounted(Policy(_net.WestGateway, PolicyDirection.Fwd, _net.EastSite, _net.WestSite), eastToWest);
        AssertCounted(Policy(_net.EastGateway, PolicyDirection.In, _net.WestSite, _net.EastSite), []); // forwarded, not for the gateway itself
    }

    private SecurityAssociation WestOutbound => SiteToSite.StateOf(_net.WestGateway, _net.EastGatewayOuter, SiteToSite.WestToEastSpi);

    private SecurityAssociation EastInbound => SiteToSite.StateOf(_net.EastGateway, _net.EastGatewayOuter, SiteToSite.WestToEastSpi);

    private static SecurityPolicy Policy(SimulatedHost gateway, PolicyDirection direction, IpPrefix source, IpPrefix destination) =>
        gateway.Engine.Policies.Get(direction, new Selector(source, destination)) ?? throw new InvalidOperationException("no such policy");

    private static void AssertCounted(SecurityPolicy policy, byte[][] packets) =>
        Assert.Equal(((ulong)packets.Length, (ulong)packets.Sum(p => p.Length)), (policy.Current.Packets, policy.Current.Bytes));

    /// <summary>Gives the west-to-east SA new limits: the sender's copy on gateway W, the receiver's on gateway E.</summary>
    private void SetLimits(LifetimeLimits senderSoft, LifetimeLimits receiverSoft, LifetimeLimits senderHard, LifetimeLimits receiverHard)
    {
        SiteToSite.ReplaceState(_net.WestGateway, _net.WestToEast(senderSoft, senderHard));
        SiteToSite.ReplaceState(_net.EastGateway, _net.WestToEast(receiverSoft, receiverHard));
    }

    private void RunExpiry()
    {
        _net.WestGateway.Engine.RunExpiry();
        _net.EastGateway.Engine.RunExpiry();
    }

    private byte[] Send(int tag)
    {
        byte[] packet = Traffic.Udp(_net.WestHostAddress, _net.EastHostAddress, 5000, (ushort)(1000 + tag), 64);
        Assert.Equal(XfrmVerdict.Bypassed, _net.WestHost.Send(packet));
        return packet;
    }
}

using Microsoft.Extensions.Time.Testing;
using Netipsec.Daemon.Control;
using Netipsec.Daemon.Tests.TestDoubles;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Transforms;

namespace Netipsec.Daemon.Tests.Control;

public sealed class EventMonitorTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly XfrmEngine _engine;
    private readonly PfKeyService _service;
    private readonly EventMonitor _monitor;

    public EventMonitorTests()
    {
        _engine = new XfrmEngine(_clock, XfrmTypeRegistry.CreateDefault());
        _service = new PfKeyService(_engine);
        _monitor = new EventMonitor(_engine, _service);
    }

    [Fact]
    public void A_PF_KEY_change_announced_to_all_reaches_every_subscriber()
    {
        using EventMonitor.Subscription first = _monitor.Subscribe();
        using EventMonitor.Subscription second = _monitor.Subscribe();
        using var channel = new InProcessPfKeyChannel(_service);

        Assert.Equal(PfKeyErrno.None, channel.Send(Flush()));

        Assert.Equal("pfkey flush", Next(first));
        Assert.Equal("pfkey flush", Next(second));
    }

    [Fact]
    public void Hard_and_soft_expiry_are_reported_with_the_SA()
    {
        using EventMonitor.Subscription subscription = _monitor.Subscribe();
        var sa = new SecurityAssociation(new SaId(IpAddress.Parse("192.0.2.2"), 0x1234, IpsecProtocol.Esp), IpAddress.Parse("192.0.2.1"), XfrmMode.Tunnel)
        {
            Encryption = new SaAlgorithm(20, SiteToSiteScenario.DemoKey(1)),
            SoftLimits = new LifetimeLimits(0, 0, TimeSpan.FromSeconds(5), TimeSpan.Zero),
            HardLimits = new LifetimeLimits(0, 0, TimeSpan.FromSeconds(10), TimeSpan.Zero),
        };
        Assert.Equal(SadStatus.Ok, _engine.States.Add(sa));

        _clock.Advance(TimeSpan.FromSeconds(6));
        _engine.RunExpiry();
        _clock.Advance(TimeSpan.FromSeconds(6));
        _engine.RunExpiry();

        Assert.Equal("expire soft proto esp spi 0x00001234 src 192.0.2.1 dst 192.0.2.2", Next(subscription));
        Assert.Equal("expire hard proto esp spi 0x00001234 src 192.0.2.1 dst 192.0.2.2", Next(subscription));
    }

    [Fact]
    public void Traffic_that_needs_a_missing_SA_raises_an_acquire_line()
    {
        using EventMonitor.Subscription subscription = _monitor.Subscribe();
        TunnelConfig west = TunnelConfig.West;
        PolicyTemplate template = new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = west.LocalOuter, TunnelDestination = west.RemoteOuter, ReqId = 3 };
        Assert.Equal(SpdStatus.Ok, _engine.Policies.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(west.Local, west.Remote), PolicyAction.Ipsec, [template])));
        var pool = new PacketPool(4, diagnostics: true);
        var output = new XfrmOutput(_engine, new DiscardingSink());
        Packet packet = pool.Rent();
        byte[] ping = Traffic.Ping(IpAddress.Parse("198.51.100.10"), IpAddress.Parse("203.0.113.10"));
        ping.CopyTo(packet.Put(ping.Length));

        Assert.Equal(XfrmVerdict.Dropped, output.Output(packet));

        string line = Next(subscription);
        Assert.StartsWith("acquire seq ", line, StringComparison.Ordinal);
        Assert.EndsWith("proto esp mode tunnel src 192.0.2.1 dst 192.0.2.2 reqid 3 sel 198.51.100.10/32[8] 203.0.113.10/32[0] icmp", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subscription_that_ended_receives_nothing_more()
    {
        EventMonitor.Subscription subscription = _monitor.Subscribe();
        subscription.Dispose();
        using var channel = new InProcessPfKeyChannel(_service);

        channel.Send(Flush());

        Assert.False(subscription.Lines.TryRead(out _));
        Assert.True(subscription.Lines.Completion.IsCompleted);
    }

    [Fact]
    public void Messages_that_do_not_parse_are_not_described()
    {
        Assert.Null(EventMonitor.Describe([1, 2, 3]));
        Assert.Null(EventMonitor.Describe(new byte[16]));
    }

    private static byte[] Flush()
    {
        byte[] buffer = new byte[64];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(MessageType.Flush, SaType.Unspecified, 1, 4242), out PfKeyMessageWriter writer));
        return writer.Message.ToArray();
    }

    private static string Next(EventMonitor.Subscription subscription)
    {
        Assert.True(subscription.Lines.TryRead(out string? line), "an event line was expected");
        return line;
    }

    private sealed class DiscardingSink : IXfrmOutputSink
    {
        public void Transmit(Packet packet) => packet.Pool.Return(packet);

        public void ReturnToSender(Packet icmpError) => icmpError.Pool.Return(icmpError);
    }
}

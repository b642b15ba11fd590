using Netipsec.Daemon.DataPlane;
using Netipsec.Daemon.Hosting;
using Netipsec.Daemon.Tests.TestDoubles;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Daemon.Tests.DataPlane;

/// <summary>
/// The daemon's larval-drop setting: with it off, a packet whose SAs key management has not installed yet waits in
/// the hold queue and leaves through the wire once they arrive, also when the timer (not a TUN loop) releases it.
/// </summary>
public sealed class HeldPacketTests : IDisposable
{
    private readonly ChannelWire _westWire;
    private readonly ChannelWire _eastWire;
    private readonly RunningGateway _east;
    private RunningGateway? _west;

    public HeldPacketTests()
    {
        (_westWire, _eastWire) = ChannelWire.CreatePair();
        _east = new RunningGateway(_eastWire, TunnelConfig.East.LocalOuter);
        TunnelConfig.East.Install(_east.Engine);
    }

    [Fact]
    public void Larval_drop_is_on_unless_configured_off()
    {
        Assert.True(new DaemonOptions().LarvalDrop);
        Assert.True(new GatewaySettings().LarvalDrop);
        Assert.Equal($"{DaemonOptions.Section}:{nameof(DaemonOptions.LarvalDrop)}", DaemonOptions.Switches["--larval-drop"]);
    }

    [Fact]
    public void Without_larval_drop_the_first_packet_waits_for_its_SAs_and_the_timer_sends_it_through_the_wire()
    {
        RunningGateway west = StartWest(larvalDrop: false);
        byte[] request = Traffic.Ping(TunnelConfig.WestHost, TunnelConfig.EastHost, 1);

        west.Tun.Inject(request);
        Assert.True(RunningGateway.Eventually(() => west.Gateway.TunLoops.Sum(loop => loop.Output.HeldPackets) == 1));
        Assert.Empty(west.Wire.Sent.All);

        TunnelConfig.West.InstallStates(west.Engine);
        west.Gateway.RunTimers(); // on this thread, as the timer does: no loop batch to wait in

        Assert.True(_east.Tun.Written.WaitFor(1));
        Assert.Equal(request, Assert.Single(_east.Tun.Written.All));
        Assert.Equal(1, west.Statistics.WireSent);
        Assert.Equal(0, west.Gateway.TunLoops.Sum(loop => loop.Output.HeldPackets));
        Assert.All(west.Engine.Statistics.Snapshot(), count => Assert.Equal(0, count));
    }

    [Fact]
    public void With_larval_drop_the_packet_without_SAs_is_dropped_and_counted()
    {
        RunningGateway west = StartWest(larvalDrop: true);

        west.Tun.Inject(Traffic.Ping(TunnelConfig.WestHost, TunnelConfig.EastHost, 1));

        Assert.True(RunningGateway.Eventually(() => west.Engine.Statistics[DropReason.OutNoStates] == 1));
        Assert.Equal(0, west.Gateway.TunLoops.Sum(loop => loop.Output.HeldPackets));
        Assert.Empty(west.Wire.Sent.All);
    }

    public void Dispose()
    {
        if (_west is null)
        {
            _westWire.Dispose(); // a started gateway disposes its wire itself
        }
        else
        {
            _west.Dispose();
        }

        _east.Dispose();
    }

    private RunningGateway StartWest(bool larvalDrop)
    {
        _west = new RunningGateway(_westWire, TunnelConfig.West.LocalOuter, larvalDrop: larvalDrop);
        TunnelConfig.West.InstallPolicies(_west.Engine);
        return _west;
    }
}

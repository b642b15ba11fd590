using Netipsec.Daemon.DataPlane;
using Netipsec.Daemon.Tests.TestDoubles;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.Transforms;

namespace Netipsec.Daemon.Tests.DataPlane;

/// <summary>The packet loops allocate nothing per packet once warm: batches, slots and sinks are all reused.</summary>
public sealed class LoopAllocationTests
{
    private const int PacketCount = 512;

    [Fact]
    public void The_outbound_loop_encrypts_a_stream_without_allocating()
    {
        byte[] packet = Traffic.Udp(TunnelConfig.WestHost, TunnelConfig.EastHost, 5000, 53, 1000);
        var device = new ScriptedDevice([.. Enumerable.Repeat(packet, PacketCount * 2)]);
        TunQueueLoop loop = Gateway(TunnelConfig.West, device).TunLoops[0];

        long allocated = Measure(device, () => loop.Run(CancellationToken.None));

        Assert.Equal(PacketCount * 2, device.Sent);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_inbound_loop_decrypts_a_stream_without_allocating()
    {
        // ESP packets with distinct sequence numbers, as the west gateway sends them (the window would drop repeats).
        var capture = new ChannelWire();
        Gateway west = Gateway(TunnelConfig.West, new ScriptedDevice([.. Enumerable.Repeat(Traffic.Udp(TunnelConfig.WestHost, TunnelConfig.EastHost, 5000, 53, 1000), PacketCount * 2)]), capture);
        west.TunLoops[0].Run(CancellationToken.None);
        byte[][] esp = [.. capture.Sent.All];
        Assert.Equal(PacketCount * 2, esp.Length);
        var device = new ScriptedDevice(esp);
        Gateway east = Gateway(TunnelConfig.East, device);

        long allocated = Measure(device, () => east.WireLoop.Run(CancellationToken.None));

        Assert.Equal(PacketCount * 2, device.Written); // every one decrypted and written, none a replay
        Assert.Equal(0, allocated);
    }

    /// <summary>Runs the loop over the first half of the script to warm up, then over the second half, and returns what the second run allocated.</summary>
    private static long Measure(ScriptedDevice device, Action run)
    {
        device.PlayUntil(PacketCount);
        run();
        device.PlayUntil(PacketCount * 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static Gateway Gateway(TunnelConfig config, ScriptedDevice device, Netipsec.Daemon.Wire.IWireBind? wire = null)
    {
        var engine = new XfrmEngine(TimeProvider.System, XfrmTypeRegistry.CreateDefault());
        config.Install(engine);
        return new Gateway(engine, device, wire ?? device, new PacketPool(256, diagnostics: false), new DaemonStatistics(), new GatewaySettings(32), _ => false);
    }
}

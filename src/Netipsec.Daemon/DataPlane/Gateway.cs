using Netipsec.Daemon.Tun;
using Netipsec.Daemon.Wire;
using Netipsec.Engine;
using Netipsec.Packets;

namespace Netipsec.Daemon.DataPlane;

/// <summary>
/// The daemon's packet paths around one engine: a <see cref="TunQueueLoop"/> per TUN queue (outbound) and one
/// <see cref="WireReceiveLoop"/> (inbound), sharing the packet pool and the statistics. It knows the OS only
/// through <see cref="ITunDevice"/> and <see cref="IWireBind"/>, so tests run it over in-memory fakes.
/// </summary>
internal sealed class Gateway
{
    private readonly XfrmEngine _engine;
    private readonly ITunDevice _tun;
    private readonly IWireBind _wire;
    private readonly PacketPool _pool;
    private readonly Func<IpAddress, bool> _isLocalAddress;
    private readonly WireSender _keepaliveSender;

    /// <param name="bypassesToWire">
    /// Which destinations a packet read from the TUN and bypassed by the SPD is sent to the wire for (see
    /// <see cref="TunQueueLoop"/>); null for none, every such packet dropped.
    /// </param>
    public Gateway(XfrmEngine engine, ITunDevice tun, IWireBind wire, PacketPool pool, DaemonStatistics statistics, GatewaySettings settings, Func<IpAddress, bool> isLocalAddress, Func<IpAddress, bool>? bypassesToWire = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(tun);
        ArgumentNullException.ThrowIfNull(wire);
        ArgumentNullException.ThrowIfNull(settings);
        _engine = engine;
        _tun = tun;
        _wire = wire;
        _pool = pool;
        _isLocalAddress = isLocalAddress;
        _keepaliveSender = new WireSender(wire, statistics);
        Statistics = statistics;
        var output = new XfrmOutputOptions { LinkMtu = settings.WireMtu, LarvalDrop = settings.LarvalDrop };
        TunLoops = [.. Enumerable.Range(0, tun.QueueCount)
            .Select(queue => new TunQueueLoop(queue, engine, output, tun, wire, pool, statistics, settings.BatchSize, bypassesToWire))];
        WireLoop = new WireReceiveLoop(engine, isLocalAddress, tun, wire, pool, statistics, settings.BatchSize);
    }

    public IReadOnlyList<TunQueueLoop> TunLoops { get; }

    public WireReceiveLoop WireLoop { get; }

    public DaemonStatistics Statistics { get; }

    /// <summary>Hold-queue retries and timeouts, reassembly purges; the timer calls it about once a second.</summary>
    public void RunTimers()
    {
        foreach (TunQueueLoop loop in TunLoops)
        {
            loop.Output.RunTimers();
        }

        WireLoop.Input.RunTimers();
    }

    /// <summary>Sends the NAT keepalives that are due (RFC 3948 §4) straight to the wire; the timer calls it about once a second.</summary>
    public int SendKeepalives() => _engine.NatTraversal.SendDueKeepalives(_pool, _isLocalAddress, _keepaliveSender);

    /// <summary>Wakes every loop blocked on a device; they return and stop.</summary>
    public void Close()
    {
        _tun.Close();
        _wire.Close();
    }

    /// <summary>Sends what it is given at once, one packet per call: keepalives are few and come from the timer.</summary>
    private sealed class WireSender(IWireBind wire, DaemonStatistics statistics) : IXfrmOutputSink
    {
        public void Transmit(Packet packet)
        {
            wire.Send(new ReadOnlySpan<Packet>(in packet));
            statistics.AddWireSent(1);
            packet.Pool.Return(packet);
        }

        public void ReturnToSender(Packet icmpError) => icmpError.Pool.Return(icmpError); // keepalives never get one
    }
}

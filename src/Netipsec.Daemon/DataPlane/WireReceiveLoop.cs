using Netipsec.Daemon.Tun;
using Netipsec.Daemon.Wire;
using Netipsec.Engine;
using Netipsec.Packets;

namespace Netipsec.Daemon.DataPlane;

/// <summary>
/// The inbound path (wireguard-go's RoutineReceiveIncoming):
/// <code>
/// wire sockets (a batch of whole IP packets) -> XfrmInput, packet by packet (SAD, replay, decrypt, modes, policy check)
///     -> decapsulated: collected, written to the TUN in one call per batch (the kernel delivers or forwards it)
///     -> passed without any IPsec layer: dropped (WirePlainDropped) — the kernel already has its own copy
/// </code>
/// </summary>
/// <remarks>One thread runs it; the engine calls <see cref="IXfrmInputSink.Deliver"/> on that thread only.</remarks>
internal sealed class WireReceiveLoop : IXfrmInputSink
{
    private readonly ITunDevice _tun;
    private readonly IWireBind _wire;
    private readonly DaemonStatistics _statistics;
    private readonly RentedSlots _slots;
    private readonly PacketBatch _toTun;

    public WireReceiveLoop(XfrmEngine engine, Func<IpAddress, bool> isLocalAddress, ITunDevice tun, IWireBind wire, PacketPool pool, DaemonStatistics statistics, int batchSize)
    {
        _tun = tun;
        _wire = wire;
        _statistics = statistics;
        _slots = new RentedSlots(pool, batchSize);
        _toTun = new PacketBatch(batchSize);
        Input = new XfrmInput(engine, this, isLocalAddress);
    }

    /// <summary>The Rx path (its reassembly queue is its own).</summary>
    public XfrmInput Input { get; }

    /// <summary>Receives and decapsulates until the wire is closed or <paramref name="stopping"/> is cancelled.</summary>
    public void Run(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (!_slots.TryRefill(_statistics, out int available))
                {
                    continue;
                }

                int received = _wire.Receive(_slots.First(available));
                if (received == 0)
                {
                    break;
                }

                _statistics.AddWireReceived(received);
                for (int i = 0; i < received; i++)
                {
                    Input.Input(_slots.Take(i));
                }

                FlushTun();
            }
        }
        finally
        {
            FlushTun();
            _slots.ReturnAll();
        }
    }

    void IXfrmInputSink.Deliver(Packet packet)
    {
        if (packet.SecPath.Count == 0)
        {
            _statistics.IncrementWirePlainDropped();
            packet.Pool.Return(packet);
            return;
        }

        if (_toTun.IsFull)
        {
            FlushTun();
        }

        _toTun.Add(packet);
    }

    private void FlushTun()
    {
        if (_toTun.Count > 0)
        {
            _tun.Write(_toTun.Packets);
            _statistics.AddTunWritten(_toTun.Count);
            _toTun.ReturnAll();
        }
    }
}

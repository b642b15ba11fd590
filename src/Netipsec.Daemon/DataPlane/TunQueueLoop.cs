using Netipsec.Daemon.Tun;
using Netipsec.Daemon.Wire;
using Netipsec.Engine;
using Netipsec.Packets;

namespace Netipsec.Daemon.DataPlane;

/// <summary>
/// The outbound path of one TUN queue (wireguard-go's RoutineReadFromTUN):
/// <code>
/// TUN queue read (a batch) -> XfrmOutput, packet by packet (SPD, bundle, ESP/AH/IPComp, fragments)
///     -> protected: collected, sent to the wire in one call per batch
///     -> no policy / bypass, to a destination a transport route covers: sent to the wire in the clear (TunBypassSent) —
///        the route brought all traffic to that peer, the policy protects only part of it
///     -> no policy / bypass otherwise: dropped (TunBypassDropped) — the kernel routed it into the tunnel, so it has nowhere else to go
///     -> ICMP "too big" for the sender: collected, written back to the TUN
/// </code>
/// </summary>
/// <remarks>
/// The engine's sink calls arrive on the loop's thread while it processes a batch and go into the batches; a call
/// from another thread (the timer releasing held packets) is sent at once instead, so the batches need no lock.
/// </remarks>
internal sealed class TunQueueLoop : IXfrmOutputSink
{
    private readonly int _queue;
    private readonly ITunDevice _tun;
    private readonly IWireBind _wire;
    private readonly DaemonStatistics _statistics;
    private readonly RentedSlots _slots;
    private readonly PacketBatch _toWire;
    private readonly PacketBatch _toTun;
    private readonly Func<IpAddress, bool>? _bypassesToWire;
    private int _ownerThread = -1;

    /// <param name="bypassesToWire">Destinations a bypassed packet goes to the wire for; null drops every bypassed packet.</param>
    public TunQueueLoop(int queue, XfrmEngine engine, XfrmOutputOptions options, ITunDevice tun, IWireBind wire, PacketPool pool, DaemonStatistics statistics, int batchSize, Func<IpAddress, bool>? bypassesToWire = null)
    {
        _queue = queue;
        _tun = tun;
        _wire = wire;
        _statistics = statistics;
        _slots = new RentedSlots(pool, batchSize);
        _bypassesToWire = bypassesToWire;

        // Fragmentation can turn one packet into several; the batch is flushed early when it fills up.
        _toWire = new PacketBatch(batchSize * 2);
        _toTun = new PacketBatch(batchSize);
        Output = new XfrmOutput(engine, this, options);
    }

    /// <summary>This queue's Tx path (its flow cache and hold queue are its own).</summary>
    public XfrmOutput Output { get; }

    /// <summary>Reads and protects until the TUN device is closed or <paramref name="stopping"/> is cancelled.</summary>
    public void Run(CancellationToken stopping)
    {
        Volatile.Write(ref _ownerThread, Environment.CurrentManagedThreadId);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (!_slots.TryRefill(_statistics, out int available))
                {
                    continue;
                }

                int read = _tun.Read(_queue, _slots.First(available));
                if (read == 0)
                {
                    break;
                }

                _statistics.AddTunRead(read);
                for (int i = 0; i < read; i++)
                {
                    Protect(_slots.Take(i));
                }

                Flush();
            }
        }
        finally
        {
            Volatile.Write(ref _ownerThread, -1);
            Flush();
            _slots.ReturnAll();
        }
    }

    void IXfrmOutputSink.Transmit(Packet packet)
    {
        if (!OnLoopThread)
        {
            SendNow(packet);
            return;
        }

        // Flush before adding, never after: Protect may still take the packet just added back (bypass).
        if (_toWire.IsFull)
        {
            FlushWire();
        }

        _toWire.Add(packet);
    }

    void IXfrmOutputSink.ReturnToSender(Packet icmpError)
    {
        if (!OnLoopThread)
        {
            _tun.Write(new ReadOnlySpan<Packet>(in icmpError));
            _statistics.AddTunWritten(1);
            icmpError.Pool.Return(icmpError);
            return;
        }

        if (_toTun.IsFull)
        {
            FlushTun();
        }

        _toTun.Add(icmpError);
    }

    private bool OnLoopThread => Volatile.Read(ref _ownerThread) == Environment.CurrentManagedThreadId;

    private void Protect(Packet packet)
    {
        if (Output.Output(packet) != XfrmVerdict.Bypassed)
        {
            return;
        }

        // The engine handed the bypassed packet to Transmit as it is: leave it in the wire batch, or take it back.
        if (_bypassesToWire is not null && WireHeaders.TryGetDestination(packet.Data, out IpAddress destination) && _bypassesToWire(destination))
        {
            _statistics.IncrementTunBypassSent();
        }
        else if (_toWire.TryRemoveLast(packet))
        {
            _statistics.IncrementTunBypassDropped();
            packet.Pool.Return(packet);
        }
    }

    private void SendNow(Packet packet)
    {
        _wire.Send(new ReadOnlySpan<Packet>(in packet));
        _statistics.AddWireSent(1);
        packet.Pool.Return(packet);
    }

    private void Flush()
    {
        FlushWire();
        FlushTun();
    }

    private void FlushWire()
    {
        if (_toWire.Count > 0)
        {
            _wire.Send(_toWire.Packets);
            _statistics.AddWireSent(_toWire.Count);
            _toWire.ReturnAll();
        }
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

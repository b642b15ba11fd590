using Netipsec.Packets;

namespace Netipsec.Daemon.DataPlane;

/// <summary>
/// The empty packets a loop offers a device to read into. Slots the device filled are taken by the loop; the rest
/// stay rented for the next read, so a quiet loop does not churn the pool.
/// </summary>
/// <remarks>Not thread-safe: one loop owns it.</remarks>
internal sealed class RentedSlots
{
    private readonly Packet[] _slots;
    private readonly PacketPool _pool;

    public RentedSlots(PacketPool pool, int count)
    {
        _pool = pool;
        _slots = new Packet[count];
    }

    /// <summary>
    /// Refills the slots for a loop's next batch. When the pool is dry — every packet in flight elsewhere (hold
    /// queues, other loops), soon to come back — counts it, waits a millisecond and returns false.
    /// </summary>
    /// <param name="statistics">Where a dry pool is counted.</param>
    /// <param name="available">How many leading slots hold a packet.</param>
    public bool TryRefill(DaemonStatistics statistics, out int available)
    {
        available = Refill();
        if (available > 0)
        {
            return true;
        }

        statistics.IncrementPoolExhausted();
        Thread.Sleep(1);
        return false;
    }

    /// <summary>
    /// Rents packets into the empty slots and returns how many leading slots hold one (fewer than the capacity only
    /// when the pool ran dry).
    /// </summary>
    private int Refill()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is null)
            {
                if (!_pool.TryRent(out Packet? packet))
                {
                    return i;
                }

                _slots[i] = packet;
            }
        }

        return _slots.Length;
    }

    /// <summary>The first <paramref name="count"/> slots, for the device to fill.</summary>
    public Span<Packet> First(int count) => _slots.AsSpan(0, count);

    /// <summary>Takes the packet in slot <paramref name="index"/>; the slot is refilled on the next <see cref="TryRefill"/>.</summary>
    public Packet Take(int index)
    {
        Packet packet = _slots[index];
        _slots[index] = null!;
        return packet;
    }

    /// <summary>Returns every rented packet to the pool (the loop is stopping).</summary>
    public void ReturnAll()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { } packet)
            {
                _pool.Return(packet);
                _slots[i] = null!;
            }
        }
    }
}

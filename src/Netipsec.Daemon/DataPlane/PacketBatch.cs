using Netipsec.Packets;

namespace Netipsec.Daemon.DataPlane;

/// <summary>
/// Packets a loop collected for one device call (wire send, TUN write), owned by the batch until
/// <see cref="ReturnAll"/> gives them back to their pools. Fixed capacity, so collecting allocates nothing.
/// </summary>
/// <remarks>Not thread-safe: one loop owns it.</remarks>
internal sealed class PacketBatch
{
    private readonly Packet[] _packets;

    public PacketBatch(int capacity) => _packets = new Packet[capacity];

    public int Count { get; private set; }

    public bool IsFull => Count == _packets.Length;

    public ReadOnlySpan<Packet> Packets => _packets.AsSpan(0, Count);

    public void Add(Packet packet) => _packets[Count++] = packet;

    /// <summary>Takes back the packet added last if it is <paramref name="packet"/>; false otherwise.</summary>
    public bool TryRemoveLast(Packet packet)
    {
        if (Count == 0 || !ReferenceEquals(_packets[Count - 1], packet))
        {
            return false;
        }

        _packets[--Count] = null!;
        return true;
    }

    /// <summary>Returns every packet to its pool and empties the batch.</summary>
    public void ReturnAll()
    {
        for (int i = 0; i < Count; i++)
        {
            _packets[i].Pool.Return(_packets[i]);
            _packets[i] = null!;
        }

        Count = 0;
    }
}

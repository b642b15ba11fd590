using System.Collections.Concurrent;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tests.TestDoubles;

/// <summary>Copies of the packets a fake device was given, in order, with a wait for the next ones.</summary>
internal sealed class PacketLog : IDisposable
{
    private readonly ConcurrentQueue<byte[]> _packets = new();
    private readonly SemaphoreSlim _added = new(0);

    public IReadOnlyCollection<byte[]> All => _packets;

    public void Record(ReadOnlySpan<Packet> packets)
    {
        foreach (Packet packet in packets)
        {
            _packets.Enqueue(packet.Data.ToArray());
            _added.Release();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> packets were recorded; false on timeout.</summary>
    public bool WaitFor(int count, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (_packets.Count < count)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_added.Wait(left))
            {
                return _packets.Count >= count;
            }
        }

        return true;
    }

    public void Dispose() => _added.Dispose();
}

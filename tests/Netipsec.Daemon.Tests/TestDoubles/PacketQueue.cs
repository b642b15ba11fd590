using System.Collections.Concurrent;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tests.TestDoubles;

/// <summary>
/// Packets waiting to be read by a fake device: a blocking queue whose reads copy into the caller's pooled packets
/// and return 0 once closed, as the real devices do.
/// </summary>
internal sealed class PacketQueue : IDisposable
{
    private readonly BlockingCollection<byte[]> _packets = [];
    private readonly CancellationTokenSource _closed = new();

    public void Add(byte[] packet) => _packets.Add(packet);

    public int Read(Span<Packet> destination)
    {
        byte[] first;
        try
        {
            first = _packets.Take(_closed.Token);
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        int count = 0;
        for (byte[]? next = first; next is not null; next = count < destination.Length && _packets.TryTake(out byte[]? more) ? more : null)
        {
            Packet packet = destination[count++];
            next.CopyTo(packet.Put(next.Length));
            packet.SetNetworkHeader(0);
        }

        return count;
    }

    public void Close() => _closed.Cancel();

    public void Dispose()
    {
        _packets.Dispose();
        _closed.Dispose();
    }
}

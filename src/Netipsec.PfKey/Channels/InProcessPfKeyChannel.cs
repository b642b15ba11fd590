using System.Collections.Concurrent;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Channels;

/// <summary>
/// A PF_KEY channel to a <see cref="PfKeyService"/> in the same process: one attached <see cref="PfKeyClient"/>
/// whose messages wait in a bounded queue until <see cref="Receive"/> takes them.
/// </summary>
public sealed class InProcessPfKeyChannel : IPfKeyChannel
{
    private static int s_nextId;

    private readonly PfKeyService _service;
    private readonly PfKeyClient _client;
    private readonly ConcurrentQueue<byte[]> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly int _capacity;
    private long _dropped;
    private bool _disposed;

    /// <summary>Opens a channel to <paramref name="service"/>; it receives the messages sent to all from now on.</summary>
    /// <param name="service">The service that executes this channel's requests.</param>
    /// <param name="capacity">Messages kept unread before further ones are dropped and counted.</param>
    public InProcessPfKeyChannel(PfKeyService service, int capacity = PfKeyChannelLimits.DefaultQueueCapacity)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _service = service;
        _capacity = capacity;
        _client = new PfKeyClient(Interlocked.Increment(ref s_nextId), Enqueue);
        service.Attach(_client);
    }

    /// <summary>The service-side endpoint of this channel.</summary>
    public PfKeyClient Client => _client;

    /// <summary>Messages dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public PfKeyErrno Send(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PfKeyResult result = _service.Process(_client, message);
        return result.Unanswered ? result.Errno : PfKeyErrno.None;
    }

    public int Receive(Span<byte> buffer, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_available.Wait(timeout) || !_queue.TryDequeue(out byte[]? message))
        {
            return 0;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, message.Length, nameof(buffer));
        message.CopyTo(buffer);
        return message.Length;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _service.Detach(_client);
        _available.Dispose();
    }

    private void Enqueue(ReadOnlySpan<byte> message)
    {
        if (_queue.Count >= _capacity)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        _queue.Enqueue(message.ToArray());
        _available.Release();
    }
}

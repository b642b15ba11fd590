using System.Buffers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Sockets;

/// <summary>
/// One accepted connection of a <see cref="PfKeySocketServer"/>: what one open PF_KEY socket is to the kernel. Each
/// packet it receives is one request for the service; what the service sends it waits in a bounded queue until the
/// peer reads it, and a full queue drops and counts, as a full socket receive buffer does, so a peer that never
/// reads holds up nobody.
/// </summary>
/// <remarks>Thread-safe: the service may deliver from any thread; a receive loop and a send loop serve the socket.</remarks>
public sealed class PfKeyConnection
{
    // One byte beyond the largest message, so a larger packet shows as too large instead of arriving cut short.
    private const int ReceiveBufferLength = PfKeyChannelLimits.MaxMessageLength + 1;

    private readonly Socket _socket;
    private readonly PfKeyService _service;
    private readonly Channel<Outgoing> _queue;
    private readonly Action _countDrop;
    private long _dropped;
    private volatile bool _closing;

    internal PfKeyConnection(int id, Socket socket, PeerCredentials peer, PfKeyService service, int queueCapacity, Action countDrop)
    {
        Id = id;
        Peer = peer;
        _socket = socket;
        _service = service;
        _countDrop = countDrop;
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(queueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the drop is counted, never waited for.
            SingleReader = true,
        });
        Client = new PfKeyClient(id, Enqueue);
    }

    /// <summary>The server's number for this connection, also the <see cref="PfKeyClient.Id"/>.</summary>
    public int Id { get; }

    /// <summary>The connecting process as the kernel saw it.</summary>
    public PeerCredentials Peer { get; }

    /// <summary>The service-side endpoint of this connection.</summary>
    public PfKeyClient Client { get; }

    /// <summary>Messages for this peer dropped because its queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages waiting for the peer to read them.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>The server's task serving this connection, done once both loops ended and the socket closed.</summary>
    internal Task Serving { get; set; } = Task.CompletedTask;

    public override string ToString() => $"pfkey connection {Id} (pid {Peer.ProcessId}, uid {Peer.UserId})";

    /// <summary>Serves the connection until the peer closes it or <see cref="Close"/> is called.</summary>
    internal async Task RunAsync()
    {
        Task sending = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            _closing = true;
            _queue.Writer.TryComplete();
            await sending.ConfigureAwait(false);
            _socket.Dispose();
            ReleaseQueued();
        }
    }

    /// <summary>Ends both loops: what is still queued is not sent.</summary>
    internal void Close()
    {
        _closing = true;
        _queue.Writer.TryComplete();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already disconnected: the loops end on their own.
        }
        catch (ObjectDisposedException)
        {
            // RunAsync finished and disposed it.
        }
    }

    private async Task ReceiveLoopAsync()
    {
        // One buffer for the connection's life; pooled arrays round 64 KiB + 1 up to 128 KiB.
        byte[] buffer = new byte[ReceiveBufferLength];
        try
        {
            while (true)
            {
                int received;
                try
                {
                    received = await _socket.ReceiveAsync(buffer.AsMemory(0, ReceiveBufferLength), SocketFlags.None).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                {
                    return;
                }

                // SEQPACKET: 0 is the peer's orderly close (an empty packet reads the same and ends the conversation too).
                if (received == 0)
                {
                    return;
                }

                Process(buffer.AsSpan(0, received));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>
    /// One request. A packet larger than any message, or a base header the service cannot answer, would fail
    /// Linux's <c>send()</c> itself; a socket server cannot fail the peer's send after the fact, so it answers with
    /// <see cref="PfKeySocketServer.SendFailureNotice"/> instead.
    /// </summary>
    private void Process(Span<byte> message)
    {
        PfKeyResult result = message.Length > PfKeyChannelLimits.MaxMessageLength
            ? new PfKeyResult(PfKeyErrno.MessageSize, PfKeyDiagnostic.None, Unanswered: true)
            : _service.Process(Client, message);
        if (result.Unanswered)
        {
            Span<byte> notice = stackalloc byte[PfKeyHeader.Length];
            PfKeySocketServer.WriteSendFailureNotice(notice, message, result.Errno);
            Enqueue(notice);
        }

        // Requests carry keys (ADD, UPDATE): the buffer keeps nothing once the service is done with it.
        CryptographicOperations.ZeroMemory(message);
    }

    private async Task SendLoopAsync()
    {
        ChannelReader<Outgoing> reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out Outgoing message))
                {
                    try
                    {
                        await _socket.SendAsync(message.Bytes, SocketFlags.None).ConfigureAwait(false);
                    }
                    finally
                    {
                        message.Release();
                    }
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // The peer went away: the receive loop sees it too and ends the connection.
            Close();
        }
    }

    /// <summary>The service's handler: copies and queues, never waits.</summary>
    private void Enqueue(ReadOnlySpan<byte> message)
    {
        var outgoing = Outgoing.CopyOf(message);
        if (_queue.Writer.TryWrite(outgoing))
        {
            return;
        }

        outgoing.Release();
        if (!_closing)
        {
            Interlocked.Increment(ref _dropped);
            _countDrop();
        }
    }

    private void ReleaseQueued()
    {
        while (_queue.Reader.TryRead(out Outgoing message))
        {
            message.Release();
        }
    }

    /// <summary>A queued copy in a pooled buffer, wiped on release: GET and DUMP replies carry keys.</summary>
    private readonly record struct Outgoing(byte[] Buffer, int Length)
    {
        public ReadOnlyMemory<byte> Bytes => Buffer.AsMemory(0, Length);

        public static Outgoing CopyOf(ReadOnlySpan<byte> message)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(message.Length);
            message.CopyTo(buffer);
            return new Outgoing(buffer, message.Length);
        }

        public void Release()
        {
            CryptographicOperations.ZeroMemory(Buffer.AsSpan(0, Length));
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}

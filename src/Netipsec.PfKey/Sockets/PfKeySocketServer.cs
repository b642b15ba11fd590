using System.Collections.Immutable;
using System.Net.Sockets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Sockets;

/// <summary>
/// Serves a <see cref="PfKeyService"/> on a Unix-domain <c>SOCK_SEQPACKET</c> socket: each connection is one PF_KEY
/// socket (a <see cref="PfKeyClient"/> attached to the service) and each packet one PF_KEY message, in either
/// direction. The socket file has mode 0600, and only peers whose kernel-reported user id (<c>SO_PEERCRED</c>) is the
/// allowed one are served, as only the superuser may open PF_KEY (the seed); others are disconnected at once.
/// </summary>
/// <remarks>
/// <para>
/// No thread per connection: each connection is an asynchronous receive loop, which runs the service on the
/// receiving thread, and an asynchronous send loop, which drains that connection's bounded queue. The service only
/// ever queues (<see cref="PfKeyConnection"/>), so a peer that reads slowly or never loses messages, counted in
/// <see cref="PfKeyConnection.Dropped"/> and <see cref="Dropped"/>, and holds up no other connection.
/// </para>
/// <para>
/// Where Linux would fail the <c>send()</c> itself — a packet larger than
/// <see cref="PfKeyChannelLimits.MaxMessageLength"/>, or a base header too broken to answer (shorter than 16 bytes,
/// wrong version, unknown type, <c>sadb_msg_len</c> disagreeing with the packet, reserved field set) — the peer
/// receives a <see cref="SendFailureNotice"/> instead, since its send has already succeeded.
/// </para>
/// <para>Thread-safe. <see cref="Dispose"/> closes every connection and removes the socket file.</para>
/// </remarks>
public sealed class PfKeySocketServer : IDisposable
{
    /// <summary>Where netipsecd serves PF_KEY.</summary>
    public const string DefaultPath = "/run/netipsec/pfkey.sock";

    /// <summary>
    /// The stand-in for a failed <c>send()</c>: a 16-byte base header of type <c>SADB_RESERVED</c> (0), which no
    /// request or reply ever has, with <c>sadb_msg_errno</c> set (EMSGSIZE or EINVAL, as Linux's
    /// <c>pfkey_sendmsg</c> would return) and the offending packet's <c>sadb_msg_seq</c> and <c>sadb_msg_pid</c>
    /// when it had a whole header (0 otherwise).
    /// </summary>
    public const MessageType SendFailureNotice = MessageType.Reserved;

    private const UnixFileMode SocketFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const int Backlog = 64;
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(5);

    private readonly PfKeyService _service;
    private readonly Socket _listener;
    private readonly int _queueCapacity;
    private readonly Task _accepting;
    private ImmutableArray<PfKeyConnection> _connections = [];
    private int _nextId;
    private long _dropped;
    private long _refused;
    private int _disposed;

    /// <summary>Binds <paramref name="path"/> (mode 0600), listens and starts accepting connections.</summary>
    /// <param name="service">The service every connection's requests go to; the server does not own it.</param>
    /// <param name="path">The socket file. Its directory is created when missing; a file left by a server that died is replaced.</param>
    /// <param name="allowedUserId">The only peer user id served (the superuser's, 0, by default).</param>
    /// <param name="queueCapacity">Messages kept per connection for a peer that has not read them; more are dropped and counted.</param>
    /// <exception cref="PlatformNotSupportedException">Not on Linux (SO_PEERCRED and the socket file's mode are Linux's).</exception>
    /// <exception cref="IOException">Another server is listening at <paramref name="path"/>, or something other than a socket is there.</exception>
    /// <exception cref="SocketException">The socket could not be bound.</exception>
    public PfKeySocketServer(PfKeyService service, string path, uint allowedUserId = 0, int queueCapacity = PfKeyChannelLimits.DefaultQueueCapacity)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueCapacity);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The PF_KEY socket server needs Linux (SO_PEERCRED).");
        }

        _service = service;
        _queueCapacity = queueCapacity;
        Path = System.IO.Path.GetFullPath(path);
        AllowedUserId = allowedUserId;

        string? directory = System.IO.Path.GetDirectoryName(Path);
        if (directory is not null && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        RemoveStaleSocket(Path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            _listener.Bind(new UnixDomainSocketEndPoint(Path));

            // Before listen(): until then a connect is refused, so nobody connects through a wider mode.
            File.SetUnixFileMode(Path, SocketFileMode);
            _listener.Listen(Backlog);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        _accepting = AcceptLoopAsync();
    }

    /// <summary>The socket file's full path.</summary>
    public string Path { get; }

    /// <summary>The peer user id served; connections from any other are closed unserved.</summary>
    public uint AllowedUserId { get; }

    /// <summary>The open connections, in the order they were accepted.</summary>
    public ImmutableArray<PfKeyConnection> Connections => _connections;

    /// <summary>Messages dropped for full queues over the server's lifetime, closed connections included.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Connections closed unserved: another user id, or no credentials.</summary>
    public long RefusedPeers => Interlocked.Read(ref _refused);

    /// <summary>Stops accepting, closes every connection (their unsent messages are discarded) and removes the socket file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The loops end as soon as their sockets close; waiting keeps the promise that nothing runs after Dispose.
        // The accept loop ends first, so every connection it accepted is in the list closed below.
        _listener.Dispose(); // .NET also unlinks the file it bound; the delete below covers every case.
        _accepting.Wait(ShutdownWait);
        ImmutableArray<PfKeyConnection> open = _connections;
        foreach (PfKeyConnection connection in open)
        {
            connection.Close();
        }

        Task.WaitAll([.. open.Select(static connection => connection.Serving)], ShutdownWait);
        File.Delete(Path);
    }

    /// <summary>Writes the <see cref="SendFailureNotice"/> for <paramref name="packet"/> into 16 bytes.</summary>
    internal static void WriteSendFailureNotice(Span<byte> notice, ReadOnlySpan<byte> packet, PfKeyErrno errno)
    {
        PfKeyHeader offending = packet.Length >= PfKeyHeader.Length ? PfKeyHeader.Read(packet) : default;
        new PfKeyHeader(SendFailureNotice, SaType.Unspecified, offending.Sequence, offending.Pid) { Errno = errno }
            .WriteTo(notice, PfKeyHeader.Length / PfKeyConstants.Alignment);
    }

    /// <summary>
    /// A socket file nobody listens on (its server died) is removed so the bind can succeed; a live server, or a
    /// non-empty regular file, is left alone and reported.
    /// </summary>
    private static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused && new FileInfo(path).Length == 0)
        {
            File.Delete(path);
            return;
        }
        catch (SocketException exception)
        {
            throw new IOException($"{path} exists and is not a PF_KEY socket that can be replaced ({exception.SocketErrorCode}).", exception);
        }

        throw new IOException($"Another PF_KEY server is listening at {path}.");
    }

    private async Task AcceptLoopAsync()
    {
        while (Volatile.Read(ref _disposed) == 0)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            catch (SocketException)
            {
                // Out of descriptors or the like: the backlog keeps the peers waiting; retry shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
                continue;
            }

            Serve(socket);
        }
    }

    private void Serve(Socket socket)
    {
        if (!PeerCredentials.TryRead(socket, out PeerCredentials peer) || peer.UserId != AllowedUserId)
        {
            Interlocked.Increment(ref _refused);
            socket.Dispose();
            return;
        }

        var connection = new PfKeyConnection(
            Interlocked.Increment(ref _nextId), socket, peer, _service, _queueCapacity, () => Interlocked.Increment(ref _dropped));
        ImmutableInterlocked.Update(ref _connections, static (list, added) => list.Add(added), connection);
        _service.Attach(connection.Client);
        connection.Serving = ServeAsync(connection);
    }

    private async Task ServeAsync(PfKeyConnection connection)
    {
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _service.Detach(connection.Client);
            ImmutableInterlocked.Update(ref _connections, static (list, removed) => list.Remove(removed), connection);
        }
    }
}

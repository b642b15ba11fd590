using System.Net.Sockets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Sockets;

/// <summary>
/// A PF_KEY channel to a <see cref="PfKeySocketServer"/> (netipsecd's <see cref="PfKeySocketServer.DefaultPath"/>):
/// one Unix-domain <c>SOCK_SEQPACKET</c> connection, one message per packet.
/// </summary>
/// <remarks>
/// A base header Linux's <c>pfkey_sendmsg</c> would refuse is refused here, before anything is sent, with the same
/// errno, so <see cref="Send"/> behaves as <c>send()</c> on a PF_KEY socket does. Send and receive may run on two
/// threads at once; two concurrent receivers (or senders) are not supported.
/// </remarks>
public sealed class PfKeySocket : IPfKeyChannel
{
    private readonly Socket _socket;

    private PfKeySocket(Socket socket) => _socket = socket;

    /// <summary>Connects to the server listening at <paramref name="path"/>.</summary>
    /// <exception cref="SocketException">Nothing listens there (<see cref="SocketError.AddressNotAvailable"/> when the file is missing, <see cref="SocketError.ConnectionRefused"/> when nobody listens, <see cref="SocketError.AccessDenied"/> without permission).</exception>
    public static PfKeySocket Connect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new PfKeySocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one message. Returns EMSGSIZE or EINVAL, sending nothing, for a message Linux's <c>send()</c> would
    /// refuse (longer than <see cref="PfKeyChannelLimits.MaxMessageLength"/>, or a base header the service cannot
    /// answer); <see cref="PfKeyErrno.BrokenPipe"/> when the server closed the connection (it refuses peers of another
    /// user id at once).
    /// </summary>
    public PfKeyErrno Send(ReadOnlySpan<byte> message)
    {
        if (message.Length > PfKeyChannelLimits.MaxMessageLength)
        {
            return PfKeyErrno.MessageSize;
        }

        PfKeyErrno refusal = PfKeyService.CheckSendable(message);
        if (refusal != PfKeyErrno.None)
        {
            return refusal;
        }

        try
        {
            _socket.Send(message, SocketFlags.None);
            return PfKeyErrno.None;
        }
        catch (SocketException exception) when (IsDisconnected(exception.SocketErrorCode))
        {
            return PfKeyErrno.BrokenPipe;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the next message (<see cref="IPfKeyChannel.Receive"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="buffer"/> is shorter than <see cref="PfKeyChannelLimits.MaxMessageLength"/>.</exception>
    /// <exception cref="IOException">The server closed the connection.</exception>
    public int Receive(Span<byte> buffer, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, PfKeyChannelLimits.MaxMessageLength, nameof(buffer));
        int received;
        try
        {
            if (!_socket.Poll(timeout, SelectMode.SelectRead))
            {
                return 0;
            }

            received = _socket.Receive(buffer, SocketFlags.None);
        }
        catch (SocketException exception) when (IsDisconnected(exception.SocketErrorCode))
        {
            received = 0;
        }

        return received > 0 ? received : throw new IOException("The PF_KEY server closed the connection.");
    }

    public void Dispose() => _socket.Dispose();

    private static bool IsDisconnected(SocketError error) =>
        error is SocketError.Shutdown or SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.NotConnected;
}

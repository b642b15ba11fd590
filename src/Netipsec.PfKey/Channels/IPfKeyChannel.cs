using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Channels;

/// <summary>
/// One open PF_KEY conversation — what a program holds after <c>socket(PF_KEY, SOCK_RAW, PF_KEY_V2)</c>: it sends
/// requests and receives, in order, the replies to them and whatever the service sends to every socket. The
/// setkey compiler, the CLI and the config loader speak through it, in-process (<see cref="InProcessPfKeyChannel"/>)
/// or over the daemon's socket.
/// </summary>
public interface IPfKeyChannel : IDisposable
{
    /// <summary>
    /// Sends one PF_KEY message (exactly <c>sadb_msg_len</c> bytes). A refused request is answered by an error
    /// reply to <see cref="Receive"/>; the returned errno is the send's own failure (a base header too broken to
    /// answer, as Linux's <c>pfkey_sendmsg</c> reports it, or a transport error), <see cref="PfKeyErrno.None"/> otherwise.
    /// </summary>
    PfKeyErrno Send(ReadOnlySpan<byte> message);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the next message sent to this channel and copies it into
    /// <paramref name="buffer"/>, which must hold <see cref="PfKeyChannelLimits.MaxMessageLength"/> bytes.
    /// </summary>
    /// <returns>The message's length, or 0 when none arrived in time.</returns>
    int Receive(Span<byte> buffer, TimeSpan timeout);
}

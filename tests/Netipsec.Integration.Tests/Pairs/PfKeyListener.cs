using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Sockets;
using Netipsec.PfKey.Wire;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>Decides whether a PF_KEY message is the one a test waits for.</summary>
internal delegate bool PfKeyMatch(PfKeyMessage message);

/// <summary>
/// A key manager's ear on a daemon's PF_KEY socket: connected and registered for ESP (SADB_REGISTER), as racoon or
/// charon would be, so it is sent what the daemon tells key managers: EXPIRE, ACQUIRE and X_NAT_T_NEW_MAPPING.
/// </summary>
internal sealed class PfKeyListener : IDisposable
{
    private readonly PfKeySocket _socket;
    private readonly byte[] _buffer = new byte[PfKeyChannelLimits.MaxMessageLength];
    private readonly List<byte[]> _unclaimed = [];

    public PfKeyListener(DaemonProcess daemon)
    {
        _socket = PfKeySocket.Connect(daemon.PfKeyPath);
        Assert.True(PfKeyMessageWriter.TryCreate(_buffer, new PfKeyHeader(MessageType.Register, SaType.Esp, 1, (uint)Environment.ProcessId), out PfKeyMessageWriter writer));
        Assert.Equal(PfKeyErrno.None, _socket.Send(writer.Message));
        byte[]? reply = WaitFor(static message => message.Header.Type == MessageType.Register, TimeSpan.FromSeconds(10));
        Assert.True(reply is not null, "the daemon did not answer SADB_REGISTER");
        Assert.Equal(PfKeyErrno.None, Parse(reply).Header.Errno);
    }

    /// <summary>
    /// The first message, already received or arriving within <paramref name="timeout"/>, that
    /// <paramref name="match"/> accepts; it is claimed (a later call does not find it again). Null on timeout.
    /// </summary>
    public byte[]? WaitFor(PfKeyMatch match, TimeSpan timeout)
    {
        int index = _unclaimed.FindIndex(bytes => match(Parse(bytes)));
        DateTime deadline = DateTime.UtcNow + timeout;
        while (index < 0)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            int length = left > TimeSpan.Zero ? _socket.Receive(_buffer, left) : 0;
            if (length == 0)
            {
                return null;
            }

            _unclaimed.Add(_buffer.AsSpan(0, length).ToArray());
            index = match(Parse(_unclaimed[^1])) ? _unclaimed.Count - 1 : -1;
        }

        byte[] found = _unclaimed[index];
        _unclaimed.RemoveAt(index);
        return found;
    }

    /// <summary>Parses a message the daemon sent; fails the test when it does not parse.</summary>
    public static PfKeyMessage Parse(byte[] bytes)
    {
        Assert.True(PfKeyMessage.TryParse(bytes, PfKeyOrigin.Service, out PfKeyMessage message, out PfKeyError error), $"the daemon sent a message that does not parse: {error}");
        return message;
    }

    /// <summary>The SPI of a message's SA extension (0 when it has none).</summary>
    public static uint SpiOf(PfKeyMessage message) => message.TryGetSa(out SaExtension sa) ? sa.Spi : 0;

    public void Dispose() => _socket.Dispose();
}

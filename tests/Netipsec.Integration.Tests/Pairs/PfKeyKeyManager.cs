using System.Globalization;
using Netipsec.Packets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Sockets;
using Netipsec.PfKey.Wire;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// A key manager of the test's own on one daemon's PF_KEY socket (<see cref="PfKeySocket"/>): it sends real PF_KEY
/// v2 messages, waits for the replies and hands them back parsed as the daemon sent them.
/// </summary>
internal sealed class PfKeyKeyManager : IDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(20);

    private readonly PfKeySocket _socket;
    private readonly byte[] _received = new byte[PfKeyChannelLimits.MaxMessageLength];
    private uint _sequence = 1;

    public PfKeyKeyManager(DaemonProcess daemon) => _socket = PfKeySocket.Connect(daemon.PfKeyPath);

    /// <summary>Delegate that adds a request's extensions.</summary>
    public delegate void Extend(ref PfKeyMessageWriter writer);

    /// <summary>Sends a request of <paramref name="type"/> and returns the daemon's answer to it, checked for success.</summary>
    public PfKeyMessage Request(MessageType type, Extend extend, uint? sequence = null)
    {
        uint requestSequence = sequence ?? _sequence++;
        var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(type, SaType.Esp, requestSequence, (uint)Environment.ProcessId), out PfKeyMessageWriter writer));
        extend(ref writer);
        Assert.Equal(PfKeyErrno.None, _socket.Send(writer.Message));
        PfKeyMessage reply = Next(type, header => header.Sequence == requestSequence);
        Assert.True(reply.Header.Errno == PfKeyErrno.None, $"{type} refused: {reply.Header.Errno} ({reply.Header.Diagnostic})");
        return reply;
    }

    /// <summary>
    /// The next message of <paramref name="type"/> whose header <paramref name="matches"/>; others (broadcasts) are
    /// skipped. It reads from this key manager's buffer: valid until the next call.
    /// </summary>
    public PfKeyMessage Next(MessageType type, Func<PfKeyHeader, bool>? matches = null)
    {
        DateTime deadline = DateTime.UtcNow + ReplyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            int length = _socket.Receive(_received, TimeSpan.FromMilliseconds(200));
            if (length == 0)
            {
                continue;
            }

            Assert.True(PfKeyMessage.TryParse(_received.AsSpan(0, length), PfKeyOrigin.Service, out PfKeyMessage message, out PfKeyError error), error.ToString());
            if (message.Header.Type == type && (matches is null || matches(message.Header)))
            {
                return message;
            }
        }

        Assert.Fail($"no {type} from the daemon within {ReplyTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        return default;
    }

    /// <summary>SRC and DST extensions of host addresses, as an SA's endpoints.</summary>
    public static void AddEndpoints(ref PfKeyMessageWriter writer, IpAddress source, IpAddress destination)
    {
        Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Host(source)));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Host(destination)));
    }

    /// <summary>A host address extension (full prefix, any protocol, no port).</summary>
    public static AddressExtension Host(IpAddress address) => new(IpsecConstants.UlProtoAny, (byte)address.BitLength, new Sockaddr(address, 0));

    public void Dispose() => _socket.Dispose();
}

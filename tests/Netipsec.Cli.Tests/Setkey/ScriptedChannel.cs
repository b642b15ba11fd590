using System.Collections.Concurrent;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Wire;

namespace Netipsec.Cli.Tests.Setkey;

/// <summary>
/// A daemon stand-in for the monitor: answers every request by echoing its base header with <see cref="PromiscErrno"/>
/// (as Linux answers SADB_X_PROMISC) and hands out the messages a test queues.
/// </summary>
internal sealed class ScriptedChannel : IPfKeyChannel
{
    private readonly BlockingCollection<byte[]> _incoming = [];

    public PfKeyErrno PromiscErrno { get; init; }

    public List<byte[]> Sent { get; } = [];

    public bool Disposed { get; private set; }

    public void Deliver(byte[] message) => _incoming.Add(message);

    public PfKeyErrno Send(ReadOnlySpan<byte> message)
    {
        // Linux's af_key takes satype 1 as "promiscuous on", a value the strict client parser refuses, so the
        // stand-in echoes the raw header with its errno set.
        Sent.Add(message.ToArray());
        byte[] reply = message[..16].ToArray();
        reply[2] = (byte)PromiscErrno;
        _incoming.Add(reply);
        return PfKeyErrno.None;
    }

    public int Receive(Span<byte> buffer, TimeSpan timeout)
    {
        if (!_incoming.TryTake(out byte[]? message, timeout))
        {
            return 0;
        }

        message.CopyTo(buffer);
        return message.Length;
    }

    public void Dispose()
    {
        Disposed = true;
        _incoming.Dispose();
    }
}

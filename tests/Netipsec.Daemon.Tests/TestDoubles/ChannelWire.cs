using Netipsec.Daemon.Wire;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tests.TestDoubles;

/// <summary>An in-memory wire (wireguard-go's bindtest.ChannelBind): what one end sends, its peer receives.</summary>
internal sealed class ChannelWire : IWireBind
{
    private readonly PacketQueue _toReceive = new();

    public ChannelWire? Peer { get; private set; }

    public long SendErrors => 0;

    /// <summary>Every packet this end sent.</summary>
    public PacketLog Sent { get; } = new();

    public static (ChannelWire West, ChannelWire East) CreatePair()
    {
        var west = new ChannelWire();
        var east = new ChannelWire { Peer = west };
        west.Peer = east;
        return (west, east);
    }

    /// <summary>A packet arriving from the network.</summary>
    public void Inject(byte[] packet) => _toReceive.Add(packet);

    public int Receive(Span<Packet> packets) => _toReceive.Read(packets);

    public void Send(ReadOnlySpan<Packet> packets)
    {
        Sent.Record(packets);
        foreach (Packet packet in packets)
        {
            Peer?.Inject(packet.Data.ToArray());
        }
    }

    public void Close() => _toReceive.Close();

    public void Dispose()
    {
        _toReceive.Dispose();
        Sent.Dispose();
    }
}

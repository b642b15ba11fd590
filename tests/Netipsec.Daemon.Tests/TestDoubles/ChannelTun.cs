using Netipsec.Daemon.Tun;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tests.TestDoubles;

/// <summary>An in-memory TUN device (wireguard-go's tuntest.ChannelTUN): tests inject what the kernel would route into it and see what the daemon writes back.</summary>
internal sealed class ChannelTun : ITunDevice
{
    private readonly PacketQueue _toRead = new();

    public string Name => "faketun0";

    public int QueueCount => 1;

    public long WriteErrors => 0;

    /// <summary>What the daemon wrote to the interface.</summary>
    public PacketLog Written { get; } = new();

    /// <summary>A packet the kernel routes into the interface.</summary>
    public void Inject(byte[] packet) => _toRead.Add(packet);

    public int Read(int queue, Span<Packet> packets) => _toRead.Read(packets);

    public void Write(ReadOnlySpan<Packet> packets) => Written.Record(packets);

    public void Close() => _toRead.Close();

    public void Dispose()
    {
        _toRead.Dispose();
        Written.Dispose();
    }
}

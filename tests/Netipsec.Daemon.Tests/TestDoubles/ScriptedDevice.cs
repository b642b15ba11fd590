using Netipsec.Daemon.Tun;
using Netipsec.Daemon.Wire;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tests.TestDoubles;

/// <summary>
/// A TUN device and wire in one that reads a fixed script of packets, a batch per call, then reports itself closed,
/// and only counts what it is given: it allocates nothing, so a loop over it can be measured for allocations.
/// </summary>
internal sealed class ScriptedDevice(byte[][] script) : ITunDevice, IWireBind
{
    private int _next;
    private int _end = script.Length;

    public string Name => "scripted0";

    public int QueueCount => 1;

    public long WriteErrors => 0;

    public long SendErrors => 0;

    public int Written { get; private set; }

    public int Sent { get; private set; }

    /// <summary>Stops reading (reports itself closed) once the script reaches <paramref name="end"/>; reading resumes where it stopped.</summary>
    public void PlayUntil(int end) => _end = end;

    public int Read(int queue, Span<Packet> packets) => Receive(packets);

    public int Receive(Span<Packet> packets)
    {
        int count = 0;
        while (count < packets.Length && _next < _end)
        {
            byte[] next = script[_next++];
            next.CopyTo(packets[count].Put(next.Length));
            packets[count++].SetNetworkHeader(0);
        }

        return count;
    }

    public void Write(ReadOnlySpan<Packet> packets) => Written += packets.Length;

    public void Send(ReadOnlySpan<Packet> packets) => Sent += packets.Length;

    public void Close() => _end = _next;

    public void Dispose()
    {
    }
}

using Netipsec.Packets;

namespace Netipsec.Daemon.Tun;

/// <summary>
/// The virtual network interface the daemon serves (wireguard-go's tun.Device): the kernel routes the traffic to
/// protect into it, and the daemon writes the traffic it decapsulated back. Packets move in batches, and a device
/// may have several queues so each core reads its own.
/// </summary>
/// <remarks>
/// Thread safety: each queue is read by one thread at a time; <see cref="Write"/> may be called from any thread;
/// <see cref="Close"/> from any thread, once readers should stop.
/// </remarks>
internal interface ITunDevice : IDisposable
{
    /// <summary>The interface name the kernel knows the device by.</summary>
    string Name { get; }

    /// <summary>The number of queues, each with its own reader.</summary>
    int QueueCount { get; }

    /// <summary>
    /// Blocks until at least one packet is readable on <paramref name="queue"/>, then fills up to
    /// <paramref name="packets"/>.Length of the given packets (rented, empty, with their pool's headroom) with one IP
    /// packet each, in arrival order. The caller keeps ownership of all of them.
    /// </summary>
    /// <returns>The number of packets filled; 0 once the device is closed.</returns>
    int Read(int queue, Span<Packet> packets);

    /// <summary>
    /// Hands each packet (a whole IP packet) to the kernel as if it arrived on the interface. The caller keeps
    /// ownership. A packet the kernel refuses is counted in <see cref="WriteErrors"/>, never thrown.
    /// </summary>
    void Write(ReadOnlySpan<Packet> packets);

    /// <summary>Packets the kernel refused to take.</summary>
    long WriteErrors { get; }

    /// <summary>Wakes every blocked reader; from now on <see cref="Read"/> returns 0.</summary>
    void Close();
}

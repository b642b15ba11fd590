using System.Globalization;

namespace Netipsec.Daemon.DataPlane;

/// <summary>
/// What the daemon's loops did with packets outside the engine: read, written, sent and received, and the few
/// drops that belong to the daemon rather than to IPsec (the engine counts its own in the XFRM MIB).
/// </summary>
/// <remarks>Thread-safe: every counter is updated atomically by whichever loop moves the packet.</remarks>
internal sealed class DaemonStatistics
{
    private long _tunRead;
    private long _tunWritten;
    private long _tunBypassDropped;
    private long _tunBypassSent;
    private long _wireReceived;
    private long _wireSent;
    private long _wirePlainDropped;
    private long _poolExhausted;

    /// <summary>Packets read from the TUN device (traffic to protect).</summary>
    public long TunRead => Interlocked.Read(ref _tunRead);

    /// <summary>Packets written to the TUN device (decapsulated traffic and ICMP errors).</summary>
    public long TunWritten => Interlocked.Read(ref _tunWritten);

    /// <summary>
    /// Packets read from the TUN device that no IPsec policy protects. The kernel routed them into the tunnel, so
    /// handing them back to the kernel would route them into it again: they are dropped.
    /// </summary>
    public long TunBypassDropped => Interlocked.Read(ref _tunBypassDropped);

    /// <summary>
    /// Packets read from the TUN device that no IPsec policy protects, to a peer a transport route covers: sent to
    /// the wire as they are by the marked sockets, which the transport routes do not catch.
    /// </summary>
    public long TunBypassSent => Interlocked.Read(ref _tunBypassSent);

    /// <summary>Packets received from the wire sockets.</summary>
    public long WireReceived => Interlocked.Read(ref _wireReceived);

    /// <summary>Packets handed to the wire sockets.</summary>
    public long WireSent => Interlocked.Read(ref _wireSent);

    /// <summary>
    /// Packets from the wire that passed the inbound check without any IPsec layer (an IKE datagram on the NAT-T
    /// port, say): the kernel delivered them itself, so they are not written to the TUN.
    /// </summary>
    public long WirePlainDropped => Interlocked.Read(ref _wirePlainDropped);

    /// <summary>Times a loop found the packet pool empty and read a smaller batch.</summary>
    public long PoolExhausted => Interlocked.Read(ref _poolExhausted);

    internal void AddTunRead(int count) => Interlocked.Add(ref _tunRead, count);

    internal void AddTunWritten(int count) => Interlocked.Add(ref _tunWritten, count);

    internal void IncrementTunBypassDropped() => Interlocked.Increment(ref _tunBypassDropped);

    internal void IncrementTunBypassSent() => Interlocked.Increment(ref _tunBypassSent);

    internal void AddWireReceived(int count) => Interlocked.Add(ref _wireReceived, count);

    internal void AddWireSent(int count) => Interlocked.Add(ref _wireSent, count);

    internal void IncrementWirePlainDropped() => Interlocked.Increment(ref _wirePlainDropped);

    internal void IncrementPoolExhausted() => Interlocked.Increment(ref _poolExhausted);

    /// <summary>Writes every counter as "name&lt;tab&gt;value" lines, like the MIB.</summary>
    public void WriteTo(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Write(output, "TunRead", TunRead);
        Write(output, "TunWritten", TunWritten);
        Write(output, "TunBypassDropped", TunBypassDropped);
        Write(output, "TunBypassSent", TunBypassSent);
        Write(output, "WireReceived", WireReceived);
        Write(output, "WireSent", WireSent);
        Write(output, "WirePlainDropped", WirePlainDropped);
        Write(output, "PoolExhausted", PoolExhausted);
    }

    internal static void Write(TextWriter output, string name, long value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-24}\t{value}"));
}

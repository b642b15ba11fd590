using Netipsec.Packets;

namespace Netipsec.Daemon.Wire;

/// <summary>
/// The daemon's side of the physical network (wireguard-go's conn.Bind): IPsec packets in and out, in batches.
/// Whatever the socket underneath delivers (an IPv4 raw socket the whole packet, an IPv6 raw socket only the
/// payload, a UDP socket only the datagram's data), <see cref="Receive"/> yields whole IP packets; and
/// <see cref="Send"/> takes whole IP packets and picks the socket each one leaves by.
/// </summary>
/// <remarks>
/// Thread safety: one thread receives at a time; any number of threads may send; <see cref="Close"/> from any thread.
/// </remarks>
internal interface IWireBind : IDisposable
{
    /// <summary>
    /// Blocks until at least one packet arrived, then fills up to <paramref name="packets"/>.Length of the given
    /// packets (rented, empty, with headroom for the headers a socket strips) with one whole IP packet each. The
    /// caller keeps ownership of all of them.
    /// </summary>
    /// <returns>The number of packets filled; 0 once the bind is closed.</returns>
    int Receive(Span<Packet> packets);

    /// <summary>
    /// Sends whole IP packets from the engine: UDP from the NAT-T port by the UDP socket to the packet's destination
    /// address and port, everything else by a raw socket with the IP header as built. The caller keeps ownership; a
    /// packet the kernel refuses is counted in <see cref="SendErrors"/>.
    /// </summary>
    void Send(ReadOnlySpan<Packet> packets);

    /// <summary>Packets the kernel refused to send.</summary>
    long SendErrors { get; }

    /// <summary>Wakes a blocked receiver; from now on <see cref="Receive"/> returns 0.</summary>
    void Close();
}

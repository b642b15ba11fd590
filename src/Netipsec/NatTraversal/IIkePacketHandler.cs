using Netipsec.Packets;

namespace Netipsec.NatTraversal;

/// <summary>
/// Takes the IKE packets that arrive on a NAT-T port (RFC 3948 §2.2: a UDP payload starting with the four-byte
/// non-ESP marker, or anything else that is neither ESP nor a keepalive, as Linux passes it to the IKE socket).
/// Register one on <see cref="NatTraversalEngine.IkeHandler"/>; without one such packets are dropped and counted.
/// </summary>
public interface IIkePacketHandler
{
    /// <summary>
    /// One IKE packet. Ownership of <paramref name="packet"/> passes to the handler, which must return it to its pool.
    /// Its data is the whole IP packet as received, the network header mark on the IP header and the transport
    /// header mark on the UDP header; the UDP payload, non-ESP marker included, starts 8 bytes after the transport mark.
    /// Called synchronously on the thread that gave the packet to <c>XfrmInput.Input</c>; an exception propagates to
    /// that caller, so a handler should not throw.
    /// </summary>
    /// <param name="packet">The packet.</param>
    /// <param name="source">The sender's address and UDP port.</param>
    /// <param name="destination">The local address and UDP port it arrived on.</param>
    void HandleIkePacket(Packet packet, UdpEndpoint source, UdpEndpoint destination);
}

using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Transforms.Modes;

/// <summary>
/// The IPsec modes (Linux's xfrm_mode): transport, tunnel and BEET lay a packet out around the transform
/// (<see cref="IXfrmType"/>) on output and undo that on input. A <c>switch</c> on <see cref="SecurityAssociation.Mode"/>
/// picks the mode, as Linux's xfrm_outer_mode_output does, rather than a call through an interface.
/// </summary>
/// <remarks>
/// <para>Output, per SA, innermost first: <see cref="PrepareOutput"/>, then the transform's Output, then
/// <see cref="FinishOutput"/>. Input, per IPsec header, outermost first: the transform's Input, then <see cref="Input"/>.
/// See <see cref="IXfrmType"/> for the transform's half of the layout contract.</para>
/// <para>Stateless and thread-safe; nothing allocates per packet. Bad packets give a status, never an exception; the
/// exceptions listed are programming errors. On any status but <see cref="ModeStatus.Ok"/> the packet is to be dropped:
/// it may be partly rewritten.</para>
/// </remarks>
public static class XfrmModes
{
    /// <summary>
    /// Lays the packet out for the SA's transform: afterwards the data is <c>[IP header(s)][gap][payload]</c> with the
    /// network header mark on the (new or outer) IP header, the transport header mark on the gap of
    /// <paramref name="headerLength"/> zero bytes, <see cref="Packet.InnerProtocol"/> naming the payload (transport: the
    /// upper-layer protocol or next extension header; tunnel: <see cref="IpProtocol.IpInIp"/> or
    /// <see cref="IpProtocol.Ipv6"/>; BEET: the upper-layer protocol or the BEET pseudo-header, 94), and
    /// <see cref="Packet.NextHeaderFieldOffset"/> on the byte that must name the IPsec protocol (already set to
    /// the SA's). At least <paramref name="trailerLength"/> bytes of tailroom are free.
    /// </summary>
    /// <param name="sa">The SA to apply.</param>
    /// <param name="packet">A packet whose data is exactly one IPv4 or IPv6 packet; bytes behind its declared length are cut.</param>
    /// <param name="headerLength">Bytes the transform puts in front of the payload.</param>
    /// <param name="trailerLength">The most bytes the transform appends.</param>
    /// <returns>
    /// <see cref="ModeStatus.Ok"/>; <see cref="ModeStatus.Malformed"/> when the data is not a valid IP packet;
    /// <see cref="ModeStatus.NoRoom"/> when the buffer cannot grow enough or the result would overflow the IP length
    /// field (counting the whole <paramref name="trailerLength"/>); <see cref="ModeStatus.Unsupported"/> when the
    /// mode is unknown or cannot carry this packet's family over the SA's addresses (see each mode).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="sa"/> or <paramref name="packet"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is negative.</exception>
    public static ModeStatus PrepareOutput(SecurityAssociation sa, Packet packet, int headerLength, int trailerLength)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentOutOfRangeException.ThrowIfNegative(headerLength);
        ArgumentOutOfRangeException.ThrowIfNegative(trailerLength);
        return sa.Mode switch
        {
            XfrmMode.Transport => TransportMode.PrepareOutput(sa, packet, headerLength, trailerLength),
            XfrmMode.Tunnel => TunnelMode.PrepareOutput(sa, packet, headerLength, trailerLength),
            XfrmMode.Beet => BeetMode.PrepareOutput(sa, packet, headerLength, trailerLength),
            _ => ModeStatus.Unsupported,
        };
    }

    /// <summary>
    /// Completes the IP header at the network mark once the transform has filled the gap and appended its trailer:
    /// the IPv4 total length and header checksum, or the IPv6 payload length, for the data from that header to the end.
    /// The same for every mode, since each leaves its (outer) IP header at the network mark.
    /// </summary>
    /// <param name="sa">The SA applied.</param>
    /// <param name="packet">The packet as the transform left it.</param>
    /// <returns>
    /// <see cref="ModeStatus.Ok"/>, or <see cref="ModeStatus.Malformed"/> when the network header is missing, not
    /// IPv4/IPv6, or the packet outgrew its length field (a transform that appended more than it announced).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="sa"/> or <paramref name="packet"/> is null.</exception>
    public static ModeStatus FinishOutput(SecurityAssociation sa, Packet packet)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        return packet.HasNetworkHeader && ModePacket.TryWriteLengths(packet) ? ModeStatus.Ok : ModeStatus.Malformed;
    }

    /// <summary>
    /// Undoes the mode after the transform's input removed its header and trailer (data
    /// <c>[IP header(s)][payload]</c>, network mark on the IP header, transport mark on the payload,
    /// <see cref="Packet.InnerProtocol"/> from the trailer). The data is first lined up to start at the network header.
    /// Transport: the byte at <see cref="Packet.NextHeaderFieldOffset"/> gets <see cref="Packet.InnerProtocol"/> back and
    /// the IP length (and IPv4 checksum) is fixed. Tunnel: the data becomes the inner packet, network mark on it and
    /// transport mark behind its (fixed) header, ECN merged per RFC 6040; the inner TTL is not decremented.
    /// BEET: the inner header is rebuilt with the inner selector's addresses; <see cref="Packet.InnerProtocol"/> then
    /// names the upper layer and <see cref="Packet.NextHeaderFieldOffset"/> the byte naming it.
    /// </summary>
    /// <param name="sa">The SA the transform applied.</param>
    /// <param name="packet">The packet as the transform left it.</param>
    /// <returns>
    /// <see cref="ModeStatus.Ok"/>; <see cref="ModeStatus.Malformed"/> for missing or inconsistent marks, an inner
    /// packet that is not the version <see cref="Packet.InnerProtocol"/> says or does not parse, or a bad BEET
    /// pseudo-header; <see cref="ModeStatus.EcnDrop"/> for an outer CE over a not-ECT inner packet;
    /// <see cref="ModeStatus.Unsupported"/> for an unknown mode or a BEET SA without a same-family host selector.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="sa"/> or <paramref name="packet"/> is null.</exception>
    public static ModeStatus Input(SecurityAssociation sa, Packet packet)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        return sa.Mode switch
        {
            XfrmMode.Transport => TransportMode.Input(packet),
            XfrmMode.Tunnel => TunnelMode.Input(packet),
            XfrmMode.Beet => BeetMode.Input(sa, packet),
            _ => ModeStatus.Unsupported,
        };
    }
}

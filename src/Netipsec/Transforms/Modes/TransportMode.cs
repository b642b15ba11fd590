using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Transforms.Modes;

/// <summary>
/// Transport mode (RFC 4301 §4.1, RFC 4303 §3.1.1): the IPsec header goes between the IP header(s) and the upper-layer
/// payload, which is all that is protected. Stateless and thread-safe; allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// IPv4: the header, options included, moves forward to open the gap right behind it. IPv6: the gap opens where
/// <see cref="Ipv6ExtensionWalker"/> says an ESP/AH header belongs — after hop-by-hop, routing and fragment headers and
/// a destination options header that precedes a routing header, before a destination options header that follows
/// the routing header. The byte that named the upper layer (the IPv4 protocol, or the next header of the last
/// extension header kept in front) then names the IPsec protocol, and its old value travels in the IPsec trailer.
/// </para>
/// <para>
/// A forwarded packet whose addresses are not the SA's is processed all the same, as Linux does: matching traffic to
/// SAs is the policy's business, not the mode's.
/// </para>
/// </remarks>
internal static class TransportMode
{
    /// <summary>Lays the packet out for the transform; see <see cref="XfrmModes.PrepareOutput"/>.</summary>
    public static ModeStatus PrepareOutput(SecurityAssociation sa, Packet packet, int headerLength, int trailerLength)
    {
        if (!ModePacket.TryStartOutput(packet, out IpVersion version, out int ipHeaderLength))
        {
            return ModeStatus.Malformed;
        }

        return OpenGap(sa, packet, version, ipHeaderLength, headerLength, trailerLength);
    }

    /// <summary>Restores the packet after the transform's input; see <see cref="XfrmModes.Input"/>.</summary>
    public static ModeStatus Input(Packet packet) =>
        ModePacket.TryStartInput(packet, out IpVersion version) ? Restore(packet, version) : ModeStatus.Malformed;

    /// <summary>
    /// Opens the gap for the IPsec header behind the IP header(s) of a packet that <see cref="ModePacket.TryStartOutput"/>
    /// accepted, and points the next-header byte in front of it at the SA's protocol (the transform writes it again).
    /// </summary>
    internal static ModeStatus OpenGap(SecurityAssociation sa, Packet packet, IpVersion version, int ipHeaderLength, int headerLength, int trailerLength)
    {
        int insertion;
        int nextHeaderField;
        if (version == IpVersion.V4)
        {
            insertion = ipHeaderLength;
            nextHeaderField = Ipv4Header.ProtocolOffset;
        }
        else
        {
            if (!Ipv6ExtensionWalker.TryWalk(packet.Data, out Ipv6ExtensionChain chain, out _))
            {
                return ModeStatus.Malformed;
            }

            insertion = chain.IpsecInsertionOffset;
            nextHeaderField = chain.IpsecNextHeaderOffset;
        }

        if (!ModePacket.FitsLengthField(version, (long)packet.Length + headerLength + trailerLength)
            || !packet.TryEnsureRoom(headerLength, trailerLength))
        {
            return ModeStatus.NoRoom;
        }

        Span<byte> data = packet.Data;
        packet.InnerProtocol = (IpProtocol)data[nextHeaderField];
        data[nextHeaderField] = (byte)sa.Protocol;

        // The gap may hold stale bytes of an earlier packet; a transform that writes less than all of it must not leak them.
        packet.MakeSpace(insertion, headerLength).Clear();
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(insertion);
        packet.NextHeaderFieldOffset = nextHeaderField;
        return ModeStatus.Ok;
    }

    /// <summary>
    /// Names <see cref="Packet.InnerProtocol"/> again in the byte at <see cref="Packet.NextHeaderFieldOffset"/> and fixes
    /// the IP length (and IPv4 checksum) of a packet that <see cref="ModePacket.TryStartInput"/> lined up.
    /// </summary>
    internal static ModeStatus Restore(Packet packet, IpVersion version)
    {
        Span<byte> data = packet.Data;
        int field = packet.NextHeaderFieldOffset;
        int transport = packet.TransportOffset;
        bool fieldFits;
        if (version == IpVersion.V4)
        {
            int ipv4HeaderLength = new Ipv4Header(data).HeaderLength;
            fieldFits = field == Ipv4Header.ProtocolOffset && ipv4HeaderLength >= Ipv4Header.MinLength && ipv4HeaderLength <= transport;
        }
        else
        {
            fieldFits = field >= Ipv6Header.NextHeaderOffset && field < transport;
        }

        if (!fieldFits || !ModePacket.FitsLengthField(version, data.Length))
        {
            return ModeStatus.Malformed;
        }

        // Checked above, so the length write cannot fail; the protocol goes in first because the checksum covers it.
        data[field] = (byte)packet.InnerProtocol;
        return ModePacket.TryWriteLengths(packet) ? ModeStatus.Ok : ModeStatus.Malformed;
    }
}

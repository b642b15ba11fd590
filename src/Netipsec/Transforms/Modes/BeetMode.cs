using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Transforms.Modes;

/// <summary>
/// Bound End-to-End Tunnel mode (RFC 7402): tunnel semantics with transport-mode overhead. The inner addresses are
/// fixed per SA, so they are not sent: the outer header (SA source to destination) replaces the inner one, and the
/// receiver rebuilds the inner header from the SA's inner selector. Thread-safe; allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// Same family only: the inner selector, the SA's addresses and the packet must be all IPv4 or all IPv6, and the
/// selector must name two hosts (/32 or /128), the inner addresses. Whether a packet's own addresses are the
/// selector's is the policy's business, as in Linux; the receiver restores the selector's.
/// </para>
/// <para>
/// Everything but the addresses travels in the outer header unchanged — TOS/traffic class, TTL/hop limit,
/// identification and DF, IPv6 extension headers in front of the IPsec header as in transport mode — so the
/// receiver gets them back as sent (a CE mark added on the way included). IPv4 options cannot stay in the outer
/// header: they move into a BEET pseudo-header in front of the payload (<see cref="BeetPseudoHeader"/>), and
/// <see cref="Packet.InnerProtocol"/> then names that pseudo-header.
/// </para>
/// </remarks>
internal static class BeetMode
{
    /// <summary>Replaces the inner header by the outer one and opens the gap; see <see cref="XfrmModes.PrepareOutput"/>.</summary>
    public static ModeStatus PrepareOutput(SecurityAssociation sa, Packet packet, int headerLength, int trailerLength)
    {
        if (!TryGetInnerHosts(sa, out _, out _))
        {
            return ModeStatus.Unsupported;
        }

        if (!ModePacket.TryStartOutput(packet, out IpVersion version, out int ipHeaderLength))
        {
            return ModeStatus.Malformed;
        }

        if (version != sa.Destination.Version)
        {
            return ModeStatus.Unsupported;
        }

        ModeStatus status = version == IpVersion.V4 && ipHeaderLength > Ipv4Header.MinLength
            ? MoveOptionsToPseudoHeader(sa, packet, ipHeaderLength, headerLength, trailerLength)
            : TransportMode.OpenGap(sa, packet, version, ipHeaderLength, headerLength, trailerLength);
        if (status == ModeStatus.Ok)
        {
            WriteAddresses(packet.Data, version, sa.Source, sa.Destination);
        }

        return status;
    }

    /// <summary>Rebuilds the inner header from the inner selector; see <see cref="XfrmModes.Input"/>.</summary>
    public static ModeStatus Input(SecurityAssociation sa, Packet packet)
    {
        if (!TryGetInnerHosts(sa, out IpAddress innerSource, out IpAddress innerDestination))
        {
            return ModeStatus.Unsupported;
        }

        if (!ModePacket.TryStartInput(packet, out IpVersion version) || version != innerSource.Version)
        {
            return ModeStatus.Malformed;
        }

        if (version == IpVersion.V4)
        {
            return RestoreIpv4(packet, innerSource, innerDestination);
        }

        ModeStatus status = TransportMode.Restore(packet, version);
        if (status == ModeStatus.Ok)
        {
            WriteAddresses(packet.Data, version, innerSource, innerDestination);
        }

        return status;
    }

    /// <summary>The inner host addresses, when the SA is a same-family BEET SA with a host-to-host inner selector.</summary>
    private static bool TryGetInnerHosts(SecurityAssociation sa, out IpAddress source, out IpAddress destination)
    {
        source = default;
        destination = default;
        IpVersion version = sa.Destination.Version;
        if (sa.InnerSelector is not { } selector
            || version == IpVersion.None
            || sa.Source.Version != version
            || selector.Version != version
            || selector.Source.Length != selector.Source.Address.BitLength
            || selector.Destination.Length != selector.Destination.Address.BitLength)
        {
            return false;
        }

        source = selector.Source.Address;
        destination = selector.Destination.Address;
        return true;
    }

    /// <summary>
    /// Output for an IPv4 header with options: <c>[header+options][payload]</c> becomes
    /// <c>[20-byte header][gap][pseudo-header: fixed part, padding, options][payload]</c>. The options stay where they are.
    /// </summary>
    private static ModeStatus MoveOptionsToPseudoHeader(SecurityAssociation sa, Packet packet, int ipHeaderLength, int headerLength, int trailerLength)
    {
        int optionsLength = ipHeaderLength - Ipv4Header.MinLength;
        int front = BeetPseudoHeader.FixedLength + BeetPseudoHeader.PaddingFor(optionsLength);
        int added = headerLength + front;
        if (!ModePacket.FitsLengthField(IpVersion.V4, (long)packet.Length + added + trailerLength)
            || !packet.TryEnsureRoom(added, trailerLength))
        {
            return ModeStatus.NoRoom;
        }

        var upperLayer = (IpProtocol)packet.Data[Ipv4Header.ProtocolOffset];
        packet.Push(added);
        Span<byte> data = packet.Data;

        // Order matters: the fixed header is copied out before the gap and the pseudo-header overwrite its old place.
        data.Slice(added, Ipv4Header.MinLength).CopyTo(data);
        data.Slice(Ipv4Header.MinLength, headerLength).Clear();
        BeetPseudoHeader.WriteFront(data.Slice(Ipv4Header.MinLength + headerLength, front), upperLayer, optionsLength);
        _ = new Ipv4Header(data) { HeaderLength = Ipv4Header.MinLength, Protocol = (IpProtocol)sa.Protocol };

        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(Ipv4Header.MinLength);
        packet.InnerProtocol = BeetPseudoHeader.Protocol;
        packet.NextHeaderFieldOffset = Ipv4Header.ProtocolOffset;
        return ModeStatus.Ok;
    }

    /// <summary>
    /// Input for IPv4: the outer fixed header, moved to sit right in front of the options of a pseudo-header (or of the
    /// payload), becomes the inner header with the selector's addresses. Outer options, if a peer sent any, are dropped.
    /// </summary>
    private static ModeStatus RestoreIpv4(Packet packet, IpAddress innerSource, IpAddress innerDestination)
    {
        Span<byte> data = packet.Data;
        int transport = packet.TransportOffset;
        IpProtocol upperLayer = packet.InnerProtocol;
        int pseudoHeaderLength = 0;
        int optionsLength = 0;
        if (upperLayer == BeetPseudoHeader.Protocol
            && !BeetPseudoHeader.TryRead(data[transport..], out upperLayer, out pseudoHeaderLength, out optionsLength))
        {
            return ModeStatus.Malformed;
        }

        int innerHeaderLength = Ipv4Header.MinLength + optionsLength;
        int innerStart = transport + pseudoHeaderLength - innerHeaderLength;
        if (!ModePacket.FitsLengthField(IpVersion.V4, data.Length - innerStart))
        {
            return ModeStatus.Malformed;
        }

        data[..Ipv4Header.MinLength].CopyTo(data[innerStart..]);
        packet.Pull(innerStart);
        var header = new Ipv4Header(packet.Data)
        {
            HeaderLength = innerHeaderLength,
            TotalLength = (ushort)packet.Length,
            Protocol = upperLayer,
            Source = innerSource,
            Destination = innerDestination,
        };
        header.UpdateChecksum();

        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(innerHeaderLength);
        packet.InnerProtocol = upperLayer;
        packet.NextHeaderFieldOffset = Ipv4Header.ProtocolOffset;
        return ModeStatus.Ok;
    }

    private static void WriteAddresses(Span<byte> ipHeader, IpVersion version, IpAddress source, IpAddress destination)
    {
        if (version == IpVersion.V4)
        {
            _ = new Ipv4Header(ipHeader) { Source = source, Destination = destination };
        }
        else
        {
            _ = new Ipv6Header(ipHeader) { Source = source, Destination = destination };
        }
    }
}

using System.Security.Cryptography;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Transforms.Modes;

/// <summary>
/// Tunnel mode (RFC 4301 §5.1.2): the whole IP packet becomes the payload of a new outer header from the SA's source
/// to its destination, in any of the four family combinations (4in4, 6in6, 4in6, 6in4). Thread-safe; allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// Outer header on output (RFC 4301 §5.1.2.1): DSCP copied from the inner header; ECN per RFC 6040 §4.1 normal mode
/// (a copy, except CE becomes ECT(0)); TTL / hop limit 64. IPv4: no options, DF copied from an inner IPv4 header and
/// set over an inner IPv6 packet (which may not be fragmented on the way; Linux does the same), a fresh identification.
/// IPv6: flow label 0 — the tunnel carries many inner flows under one SA and copying or hashing their labels would let
/// an observer tell the encrypted flows apart.
/// </para>
/// <para>
/// On input the outer header is removed and its ECN field merged into the inner one per RFC 6040 §4.2; the outer
/// DSCP is not copied in (RFC 4301 §5.1.2.1 leaves that to configuration; Linux does it only when asked). The inner
/// TTL / hop limit is left alone: decrementing it is the forwarding code's job, done only when the inner packet is
/// actually forwarded. Bytes behind the inner packet's own length (ESP TFC padding, RFC 4303 §2.7) are cut off.
/// </para>
/// </remarks>
internal static class TunnelMode
{
    private const byte OuterTimeToLive = 64;

    // One counter for all tunnels, so outer datagrams between the same endpoints never share an identification
    // while they may still be reassembled (RFC 6864 §4.1); it starts at a random value so it reveals nothing.
    private static int s_identification = RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);

    /// <summary>Adds the outer header and the gap; see <see cref="XfrmModes.PrepareOutput"/>.</summary>
    public static ModeStatus PrepareOutput(SecurityAssociation sa, Packet packet, int headerLength, int trailerLength)
    {
        IpVersion outerVersion = sa.Destination.Version;
        if (outerVersion == IpVersion.None || sa.Source.Version != outerVersion)
        {
            return ModeStatus.Unsupported;
        }

        if (!ModePacket.TryStartOutput(packet, out IpVersion innerVersion, out _))
        {
            return ModeStatus.Malformed;
        }

        int outerLength = OuterLength(outerVersion);
        if (!ModePacket.FitsLengthField(outerVersion, (long)packet.Length + outerLength + headerLength + trailerLength)
            || !packet.TryEnsureRoom(outerLength + headerLength, trailerLength))
        {
            return ModeStatus.NoRoom;
        }

        ReadInner(packet.Data, innerVersion, out byte innerTrafficClass, out bool dontFragment);
        packet.Push(headerLength).Clear();
        // The lengths are known once the transform is done and the mode's finish writes them: the header says outerLength for now.
        WriteOuter(packet.Push(outerLength), sa, innerTrafficClass, dontFragment, outerLength);
        MarkOutput(packet, outerVersion, innerVersion);
        return ModeStatus.Ok;
    }

    /// <summary>Bytes of a tunnel's outer header without options or extension headers.</summary>
    public static int OuterLength(IpVersion outerVersion) => outerVersion == IpVersion.V4 ? Ipv4Header.MinLength : Ipv6Header.Length;

    /// <summary>What the outer header takes from a valid inner header: its traffic class, and DF (always set for IPv6).</summary>
    public static void ReadInner(ReadOnlySpan<byte> inner, IpVersion innerVersion, out byte trafficClass, out bool dontFragment)
    {
        trafficClass = (byte)TrafficClass(inner, innerVersion);
        dontFragment = innerVersion != IpVersion.V4 || (inner[Ipv4Header.FlagsAndFragmentOffset] & 0x40) != 0;
    }

    /// <summary>
    /// Writes the outer header of a tunnel SA's packet over <paramref name="outer"/>: the SA's addresses and protocol,
    /// DSCP copied and ECN encapsulated from the inner traffic class (RFC 6040 §4.1, normal mode), for IPv4 a fresh
    /// identification, the DF bit and the checksum, and the length fields of a packet of <paramref name="totalLength"/> bytes.
    /// </summary>
    public static void WriteOuter(Span<byte> outer, SecurityAssociation sa, byte innerTrafficClass, bool dontFragment, int totalLength)
    {
        byte trafficClass = (byte)((innerTrafficClass & 0xFC) | EcnTunneling.Encapsulate(innerTrafficClass & 0x03));
        if (sa.Destination.Version == IpVersion.V4)
        {
            ushort identification = (ushort)Interlocked.Increment(ref s_identification);
            Ipv4Header.WriteFixed(
                outer, trafficClass, (ushort)totalLength, identification, dontFragment, OuterTimeToLive, (IpProtocol)sa.Protocol, sa.Source.ToIpv4(), sa.Destination.ToIpv4());
            return;
        }

        outer[..Ipv6Header.Length].Clear();
        _ = new Ipv6Header(outer)
        {
            Version = 6,
            TrafficClass = trafficClass,
            PayloadLength = (ushort)(totalLength - Ipv6Header.Length),
            NextHeader = (IpProtocol)sa.Protocol,
            HopLimit = OuterTimeToLive,
            Source = sa.Source,
            Destination = sa.Destination,
        };
    }

    /// <summary>The marks and fields the transform reads from a packet the mode prepared: outer header at 0, the gap behind it.</summary>
    public static void MarkOutput(Packet packet, IpVersion outerVersion, IpVersion innerVersion)
    {
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(OuterLength(outerVersion));
        packet.InnerProtocol = innerVersion == IpVersion.V4 ? IpProtocol.IpInIp : IpProtocol.Ipv6;
        packet.NextHeaderFieldOffset = outerVersion == IpVersion.V4 ? Ipv4Header.ProtocolOffset : Ipv6Header.NextHeaderOffset;
    }

    /// <summary>Removes the outer header(s) and applies RFC 6040 decapsulation; see <see cref="XfrmModes.Input"/>.</summary>
    public static ModeStatus Input(Packet packet)
    {
        if (!ModePacket.TryStartInput(packet, out IpVersion outerVersion))
        {
            return ModeStatus.Malformed;
        }

        int transport = packet.TransportOffset;
        ModeStatus status = CheckInner(packet.Data, outerVersion, packet.Data[transport..], packet.InnerProtocol, out int innerHeaderLength, out int innerLength);
        if (status != ModeStatus.Ok)
        {
            return status;
        }

        packet.Trim(transport + innerLength);
        packet.Pull(transport);
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(innerHeaderLength);
        return ModeStatus.Ok;
    }

    /// <summary>
    /// Checks the inner packet a tunnel carried and combines the outer ECN into it (RFC 6040 §4.2): the inner header
    /// must be valid for the version <paramref name="innerProtocol"/> names (4 or 41) and fit in <paramref name="inner"/>;
    /// <paramref name="innerLength"/> is the length its header gives, shorter than <paramref name="inner"/> when TFC
    /// padding follows it.
    /// </summary>
    public static ModeStatus CheckInner(
        ReadOnlySpan<byte> outer, IpVersion outerVersion, Span<byte> inner, IpProtocol innerProtocol, out int innerHeaderLength, out int innerLength)
    {
        innerHeaderLength = Ipv6Header.Length;
        innerLength = 0;
        IpVersion expected = innerProtocol switch
        {
            IpProtocol.IpInIp => IpVersion.V4,
            IpProtocol.Ipv6 => IpVersion.V6,
            _ => IpVersion.None,
        };
        PacketError error = expected switch
        {
            IpVersion.V4 => Ipv4Header.Validate(inner, out innerHeaderLength, out innerLength),
            IpVersion.V6 => Ipv6Header.Validate(inner, out innerLength),
            _ => PacketError.BadVersion,
        };
        if (error != PacketError.None)
        {
            return ModeStatus.Malformed;
        }

        int outerEcn = TrafficClass(outer, outerVersion) & 0x03;
        int innerTrafficClass = TrafficClass(inner, expected);
        int innerEcn = EcnTunneling.Decapsulate(innerTrafficClass & 0x03, outerEcn);
        if (innerEcn == EcnTunneling.Drop)
        {
            return ModeStatus.EcnDrop;
        }

        SetEcn(inner, expected, innerEcn);
        return ModeStatus.Ok;
    }

    // IPv6 keeps the traffic class across the version and flow label nibbles (RFC 8200 §3).
    private static int TrafficClass(ReadOnlySpan<byte> header, IpVersion version) =>
        version == IpVersion.V4 ? header[Ipv4Header.TypeOfServiceOffset] : ((header[0] & 0x0F) << 4) | (header[1] >> 4);

    /// <summary>Stores a new ECN field, keeping an IPv4 checksum right incrementally (RFC 1624) so a bad one stays bad.</summary>
    private static void SetEcn(Span<byte> header, IpVersion version, int ecn)
    {
        if (version == IpVersion.V6)
        {
            var ipv6 = new Ipv6Header(header);
            ipv6.TrafficClass = (byte)((ipv6.TrafficClass & 0xFC) | ecn);
            return;
        }

        var ipv4 = new Ipv4Header(header);
        if (ipv4.Ecn == ecn)
        {
            return;
        }

        ushort oldWord = (ushort)((header[Ipv4Header.VersionAndIhlOffset] << 8) | header[Ipv4Header.TypeOfServiceOffset]);
        ipv4.Ecn = ecn;
        ushort newWord = (ushort)((header[Ipv4Header.VersionAndIhlOffset] << 8) | header[Ipv4Header.TypeOfServiceOffset]);
        ipv4.Checksum = InternetChecksum.Update(ipv4.Checksum, oldWord, newWord);
    }
}

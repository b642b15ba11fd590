using System.Buffers.Binary;

namespace Netipsec.Packets;

/// <summary>
/// Builds the ICMP errors that report a too-small path MTU: ICMPv4 "destination unreachable, fragmentation needed"
/// with the next-hop MTU (RFC 792, RFC 1191 §4) and ICMPv6 "Packet Too Big" (RFC 4443 §3.2, RFC 8201), sent from a
/// local address back to the offending packet's source.
/// </summary>
/// <remarks>
/// <para>
/// The error quotes as much of the offending packet as fits the limits: the whole ICMPv4 datagram at most 576 bytes
/// (RFC 1812 §4.3.2.3, as Linux does), the ICMPv6 packet at most the IPv6 minimum MTU of 1280 bytes (RFC 4443 §2.4(c)).
/// Only the bytes inside the offending packet's own length are quoted, not link padding after it.
/// </para>
/// <para>
/// Never answered (<see cref="IcmpErrorStatus.NotAllowed"/>): ICMP error messages, whose type is unknown too when the
/// packet ends before it (RFC 1812 §4.3.2.7, RFC 4443 §2.4(e.1)); ICMPv6 redirects (§2.4(e.2)); non-first IPv4
/// fragments; IPv4 packets to a multicast or the limited broadcast address; sources that name no single host (IPv4
/// 0/8, 127/8, multicast, class E and broadcast; IPv6 unspecified and multicast). RFC 4443 §2.4(e.3) lets Packet Too
/// Big answer multicast destinations, and nothing forbids answering a non-first IPv6 fragment (its upper-layer type is
/// unknowable, as RFC 8200 §4.5 notes), so both are answered: a source needs the PTB to find its path MTU.
/// </para>
/// <para>Rate limiting (RFC 4443 §2.4(f)) is the sender's business. Thread-safe.</para>
/// </remarks>
public sealed class IcmpErrorBuilder
{
    /// <summary>The largest ICMPv4 error datagram (RFC 1812 §4.3.2.3).</summary>
    public const int Ipv4MaxErrorLength = 576;

    /// <summary>The largest ICMPv6 error packet: the IPv6 minimum MTU (RFC 4443 §2.4(c)).</summary>
    public const int Ipv6MaxErrorLength = 1280;

    /// <summary>The smallest MTU every IPv4 link carries (RFC 791 §3.2): the least next-hop MTU worth reporting.</summary>
    public const int Ipv4MinimumMtu = 68;

    /// <summary>The IPv6 minimum link MTU (RFC 8200 §5); a PTB reporting less is ignored (RFC 8201 §4).</summary>
    public const int Ipv6MinimumMtu = 1280;

    private const int IcmpHeaderLength = 8;
    private const int Ipv4MtuOffset = 6;
    private const int Ipv6MtuOffset = 4;
    private const byte DestinationUnreachable = 3;
    private const byte FragmentationNeeded = 4;
    private const byte PacketTooBig = 2;
    private const byte Ipv6Redirect = 137;
    private const byte Ipv6InformationalTypes = 128;

    // RFC 1812 §4.3.2.5: ICMP errors go out with precedence 6 (internetwork control), today DSCP CS6.
    private const byte InternetworkControlTos = 0xC0;
    private const byte HopLimit = 64;

    private readonly PacketPool _pool;
    private int _identification;

    /// <param name="pool">The pool the error packets are rented from.</param>
    public IcmpErrorBuilder(PacketPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
    }

    /// <summary>
    /// Builds the ICMPv4 "fragmentation needed" or ICMPv6 "Packet Too Big" answer to <paramref name="offending"/>,
    /// by its IP version. On <see cref="IcmpErrorStatus.Built"/> the packet's data is the whole IP packet (network
    /// header mark on it, transport mark on the ICMP header), with correct checksums, and the caller owns it.
    /// </summary>
    /// <param name="offending">The packet that does not fit, from its IP header on.</param>
    /// <param name="localAddress">The error's source (this gateway), of the offending packet's IP version.</param>
    /// <param name="mtu">The MTU to report: 68 to 65535 for IPv4, at least 1280 for IPv6.</param>
    /// <param name="error">The built packet, or null.</param>
    /// <exception cref="ArgumentException"><paramref name="localAddress"/> is of another IP version than the offending packet.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mtu"/> is outside the range for the version.</exception>
    public IcmpErrorStatus TryBuildPacketTooBig(ReadOnlySpan<byte> offending, IpAddress localAddress, int mtu, out Packet? error)
    {
        error = null;
        if (offending.IsEmpty)
        {
            return IcmpErrorStatus.Malformed;
        }

        return (offending[0] >> 4) switch
        {
            4 => BuildIpv4(offending, localAddress, mtu, out error),
            6 => BuildIpv6(offending, localAddress, mtu, out error),
            _ => IcmpErrorStatus.Malformed,
        };
    }

    private IcmpErrorStatus BuildIpv4(ReadOnlySpan<byte> offending, IpAddress localAddress, int mtu, out Packet? error)
    {
        error = null;
        RequireVersion(localAddress, IpVersion.V4);
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, Ipv4MinimumMtu);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mtu, ushort.MaxValue);
        if (Ipv4Header.Validate(offending, out int headerLength, out int totalLength) != PacketError.None)
        {
            return IcmpErrorStatus.Malformed;
        }

        uint source = BinaryPrimitives.ReadUInt32BigEndian(offending[Ipv4Header.SourceOffset..]);
        uint destination = BinaryPrimitives.ReadUInt32BigEndian(offending[Ipv4Header.DestinationOffset..]);
        bool nonFirstFragment = (BinaryPrimitives.ReadUInt16BigEndian(offending[Ipv4Header.FlagsAndFragmentOffset..]) & 0x1FFF) != 0;
        if (nonFirstFragment
            || !IsIpv4HostSource(source)
            || IsIpv4MulticastOrBroadcast(destination)
            || ((IpProtocol)offending[Ipv4Header.ProtocolOffset] == IpProtocol.Icmp && !IsIpv4Informational(offending[headerLength..totalLength])))
        {
            return IcmpErrorStatus.NotAllowed;
        }

        int quoted = Math.Min(totalLength, Ipv4MaxErrorLength - Ipv4Header.MinLength - IcmpHeaderLength);
        int length = Ipv4Header.MinLength + IcmpHeaderLength + quoted;
        IpAddress target = IpAddress.FromIpv4(source);
        if (!TryRent(length, Ipv4Header.MinLength, out Packet? packet))
        {
            return IcmpErrorStatus.NoBuffer;
        }

        Span<byte> data = packet.Data;
        var header = new Ipv4Header(data)
        {
            Version = 4,
            HeaderLength = Ipv4Header.MinLength,
            TotalLength = (ushort)length,
            Identification = (ushort)Interlocked.Increment(ref _identification),
            TimeToLive = HopLimit,
            Protocol = IpProtocol.Icmp,
            Source = localAddress,
            Destination = target,
        };
        data[Ipv4Header.TypeOfServiceOffset] = InternetworkControlTos;
        header.UpdateChecksum();

        Span<byte> icmp = data[Ipv4Header.MinLength..];
        icmp[0] = DestinationUnreachable;
        icmp[1] = FragmentationNeeded;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[Ipv4MtuOffset..], (ushort)mtu); // RFC 1191 §4: the low half of the unused word
        offending[..quoted].CopyTo(icmp[IcmpHeaderLength..]);
        InternetChecksum.WriteTransportChecksum(localAddress, target, IpProtocol.Icmp, icmp);
        error = packet;
        return IcmpErrorStatus.Built;
    }

    private IcmpErrorStatus BuildIpv6(ReadOnlySpan<byte> offending, IpAddress localAddress, int mtu, out Packet? error)
    {
        error = null;
        RequireVersion(localAddress, IpVersion.V6);
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, Ipv6MinimumMtu);
        if (!Ipv6ExtensionWalker.TryWalk(offending, out Ipv6ExtensionChain chain, out _))
        {
            return IcmpErrorStatus.Malformed;
        }

        IpAddress target = IpAddress.Read(offending.Slice(Ipv6Header.SourceOffset, 16));
        if (target.IsUnspecified
            || offending[Ipv6Header.SourceOffset] == 0xFF
            || (chain.UpperLayerProtocol == IpProtocol.Icmpv6 && !chain.IsNonFirstFragment && !IsIpv6Answerable(offending[chain.UpperLayerOffset..chain.PacketLength])))
        {
            return IcmpErrorStatus.NotAllowed;
        }

        int quoted = Math.Min(chain.PacketLength, Ipv6MaxErrorLength - Ipv6Header.Length - IcmpHeaderLength);
        int messageLength = IcmpHeaderLength + quoted;
        if (!TryRent(Ipv6Header.Length + messageLength, Ipv6Header.Length, out Packet? packet))
        {
            return IcmpErrorStatus.NoBuffer;
        }

        Span<byte> data = packet.Data;
        _ = new Ipv6Header(data)
        {
            Version = 6,
            PayloadLength = (ushort)messageLength,
            NextHeader = IpProtocol.Icmpv6,
            HopLimit = HopLimit,
            Source = localAddress,
            Destination = target,
        };

        Span<byte> icmp = data[Ipv6Header.Length..];
        icmp[0] = PacketTooBig;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[Ipv6MtuOffset..], (uint)mtu);
        offending[..quoted].CopyTo(icmp[IcmpHeaderLength..]);
        InternetChecksum.WriteTransportChecksum(localAddress, target, IpProtocol.Icmpv6, icmp);
        error = packet;
        return IcmpErrorStatus.Built;
    }

    /// <summary>Rents a packet holding <paramref name="length"/> zeroed bytes, marked for an IP header of <paramref name="ipHeaderLength"/>.</summary>
    private bool TryRent(int length, int ipHeaderLength, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Packet? packet)
    {
        if (!_pool.TryRent(out packet))
        {
            return false;
        }

        packet.Direction = PacketDirection.Out;
        packet.EnsureTailroom(length);
        packet.Put(length).Clear();
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(ipHeaderLength);
        return true;
    }

    private static void RequireVersion(IpAddress localAddress, IpVersion version)
    {
        if (localAddress.Version != version)
        {
            throw new ArgumentException($"The local address must be {version} like the offending packet.", nameof(localAddress));
        }
    }

    /// <summary>RFC 1812 §4.3.2.7: the source must name one host: not 0/8, 127/8, or 224/3 (multicast, class E, broadcast).</summary>
    private static bool IsIpv4HostSource(uint source) => (source >> 24) is not (0 or 127) && source < 0xE000_0000;

    private static bool IsIpv4MulticastOrBroadcast(uint destination) => (destination >> 28) == 0xE || destination == uint.MaxValue;

    /// <summary>True for an ICMPv4 query or reply (echo, timestamp ...); false for an error, or when the type is cut off.</summary>
    private static bool IsIpv4Informational(ReadOnlySpan<byte> icmp) =>
        !icmp.IsEmpty && icmp[0] is not (3 or 4 or 5 or 11 or 12);

    /// <summary>RFC 4443 §2.4(e): an informational message other than a redirect; false when the type is cut off.</summary>
    private static bool IsIpv6Answerable(ReadOnlySpan<byte> icmp) =>
        !icmp.IsEmpty && icmp[0] >= Ipv6InformationalTypes && icmp[0] != Ipv6Redirect;
}

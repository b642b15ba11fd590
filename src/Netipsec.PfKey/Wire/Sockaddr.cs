using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.PfKey.Wire;

/// <summary>
/// A <c>struct sockaddr_in</c> or <c>sockaddr_in6</c> as Linux lays them out inside PF_KEY extensions: the family in
/// host order (AF_INET 2, AF_INET6 10), then port, flow label and address in network order, then the IPv6 scope id
/// in host order.
/// </summary>
/// <param name="Address">The address; its version picks the family.</param>
/// <param name="Port">The port, 0 for any (IPSEC_PORT_ANY).</param>
public readonly record struct Sockaddr(IpAddress Address, ushort Port = 0)
{
    /// <summary>sizeof(struct sockaddr_in).</summary>
    internal const int Ipv4Length = 16;

    /// <summary>sizeof(struct sockaddr_in6).</summary>
    internal const int Ipv6Length = 28;

    private const int FamilyOffset = 0;
    private const int PortOffset = 2;
    private const int Ipv4AddressOffset = 4;
    private const int FlowInfoOffset = 4;
    private const int Ipv6AddressOffset = 8;
    private const int ScopeIdOffset = 24;

    /// <summary><c>sin6_flowinfo</c> (IPv6 only).</summary>
    public uint FlowInfo { get; init; }

    /// <summary><c>sin6_scope_id</c> (IPv6 only): the interface of a link-local address.</summary>
    public uint ScopeId { get; init; }

    public SockaddrFamily Family => Address.Version switch
    {
        IpVersion.V4 => SockaddrFamily.Inet,
        IpVersion.V6 => SockaddrFamily.Inet6,
        _ => SockaddrFamily.Unspecified,
    };

    /// <summary>Bytes the sockaddr takes: 16 or 28.</summary>
    internal int Length => Address.Version == IpVersion.V6 ? Ipv6Length : Ipv4Length;

    /// <summary>Reads the sockaddr at the start of <paramref name="source"/>; <paramref name="length"/> is its size.</summary>
    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> source, out Sockaddr value, out int length)
    {
        value = default;
        length = 0;
        if (source.Length < PortOffset)
        {
            return PfKeyParseError.BadSockaddrLength;
        }

        var family = (SockaddrFamily)HostOrder.ReadUInt16(source[FamilyOffset..]);
        switch (family)
        {
            case SockaddrFamily.Inet when source.Length >= Ipv4Length:
                value = new Sockaddr(
                    IpAddress.Read(source.Slice(Ipv4AddressOffset, 4)),
                    BinaryPrimitives.ReadUInt16BigEndian(source[PortOffset..]));
                length = Ipv4Length;
                return PfKeyParseError.None;
            case SockaddrFamily.Inet6 when source.Length >= Ipv6Length:
                value = new Sockaddr(
                    IpAddress.Read(source.Slice(Ipv6AddressOffset, 16)),
                    BinaryPrimitives.ReadUInt16BigEndian(source[PortOffset..]))
                {
                    FlowInfo = BinaryPrimitives.ReadUInt32BigEndian(source[FlowInfoOffset..]),
                    ScopeId = HostOrder.ReadUInt32(source[ScopeIdOffset..]),
                };
                length = Ipv6Length;
                return PfKeyParseError.None;
            case SockaddrFamily.Inet or SockaddrFamily.Inet6:
                return PfKeyParseError.BadSockaddrLength;
            default:
                return PfKeyParseError.BadAddressFamily;
        }
    }

    /// <summary>Writes <see cref="Length"/> bytes (padding zeroed) at the start of <paramref name="destination"/>.</summary>
    internal void WriteTo(Span<byte> destination)
    {
        if (Address.Version == IpVersion.None)
        {
            throw new InvalidOperationException("A sockaddr needs an IPv4 or IPv6 address.");
        }

        destination[..Length].Clear();
        HostOrder.WriteUInt16(destination[FamilyOffset..], (ushort)Family);
        BinaryPrimitives.WriteUInt16BigEndian(destination[PortOffset..], Port);
        if (Address.Version == IpVersion.V4)
        {
            Address.WriteTo(destination[Ipv4AddressOffset..]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[FlowInfoOffset..], FlowInfo);
            Address.WriteTo(destination[Ipv6AddressOffset..]);
            HostOrder.WriteUInt32(destination[ScopeIdOffset..], ScopeId);
        }
    }
}

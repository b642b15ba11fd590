using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Engine;

/// <summary>
/// Where a received packet's first IPsec header is and what it says (Linux's xfrm_parse_spi): SPI (or IPComp CPI)
/// and sequence number, plus the packet's outer destination, so the SA can be looked up.
/// </summary>
internal readonly record struct InboundHeader(IpsecProtocol Protocol, IpAddress Destination, uint Spi, uint SequenceLow)
{
    /// <summary>The outer source address (set for <see cref="Status.IpInIp"/>).</summary>
    internal IpAddress Source { get; init; }

    private const int EspMinimum = 8;      // SPI, sequence number
    private const int AhMinimum = 12;      // next header, length, reserved, SPI, sequence number
    private const int IpCompLength = 4;    // next header, flags, CPI (RFC 3173 §2.2)

    /// <summary>What parsing found.</summary>
    internal enum Status
    {
        /// <summary>An IPsec header; the packet's marks point at it.</summary>
        Found,

        /// <summary>A plain IP packet: no IPsec header to process.</summary>
        NotIpsec,

        /// <summary>
        /// A whole IP-in-IP packet (protocol 4 or 41): the transport mark on the inner packet,
        /// <see cref="Packet.InnerProtocol"/> naming its version. It may be an IPComp tunnel SA's uncompressed packet.
        /// </summary>
        IpInIp,

        /// <summary>A fragment of an IPsec packet: it must be reassembled first.</summary>
        Fragment,

        /// <summary>Bad or truncated IP or IPsec header.</summary>
        Malformed,
    }

    /// <summary>
    /// Parses the packet's IP header(s), sets its network mark (0), transport mark (the IPsec header) and
    /// <see cref="Packet.NextHeaderFieldOffset"/>, and reads the IPsec header's SPI and sequence number.
    /// </summary>
    internal static Status TryParse(Packet packet, out InboundHeader header)
    {
        header = default;
        Span<byte> data = packet.Data;
        if (data.IsEmpty)
        {
            return Status.Malformed;
        }

        return TryParsePlainIpv4Esp(packet, data, out header) ? Status.Found : TryParseAny(packet, data, out header);
    }

    /// <summary>
    /// Every shape <see cref="TryParsePlainIpv4Esp"/> leaves: options, fragments, IPv6 extension chains, AH, IPComp,
    /// IP-in-IP and errors. Out of line, so the common case does not set up (and clear) this path's large frame.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Status TryParseAny(Packet packet, Span<byte> data, out InboundHeader header)
    {
        header = default;
        int ipsecOffset;
        int namingByte;
        IpAddress destination;
        bool fragment;
        if (data[0] >> 4 == 4)
        {
            if (!Ipv4Header.TryParse(data, out Ipv4Header ipv4, out _))
            {
                return Status.Malformed;
            }

            ipsecOffset = ipv4.HeaderLength;
            namingByte = 9;
            destination = ipv4.Destination;
            fragment = ipv4.IsFragment;
            if (!IsIpsec(ipv4.Protocol))
            {
                return fragment ? Status.NotIpsec : IpInIp(packet, ipv4.Protocol, ipv4.HeaderLength, ipv4.Source, destination, out header);
            }
        }
        else
        {
            if (!Ipv6ExtensionWalker.TryWalk(data, out Ipv6ExtensionChain chain, out _))
            {
                return Status.Malformed;
            }

            destination = new Ipv6Header(data).Destination;
            fragment = chain.HasFragmentHeader;
            ipsecOffset = chain.IpsecHeaderOffset;
            namingByte = chain.IpsecHeaderNextHeaderOffset;
            if (ipsecOffset == 0 && !(fragment && IsIpsec(chain.UpperLayerProtocol)))
            {
                return fragment
                    ? Status.NotIpsec
                    : IpInIp(packet, chain.UpperLayerProtocol, chain.UpperLayerOffset, new Ipv6Header(data).Source, destination, out header);
            }
        }

        if (fragment)
        {
            return Status.Fragment;
        }

        var protocol = (IpsecProtocol)data[namingByte];
        ReadOnlySpan<byte> ipsec = data[ipsecOffset..];
        (uint spi, uint sequence, bool complete) = protocol switch
        {
            IpsecProtocol.Esp when ipsec.Length >= EspMinimum =>
                (BinaryPrimitives.ReadUInt32BigEndian(ipsec), BinaryPrimitives.ReadUInt32BigEndian(ipsec[4..]), true),
            IpsecProtocol.Ah when ipsec.Length >= AhMinimum =>
                (BinaryPrimitives.ReadUInt32BigEndian(ipsec[4..]), BinaryPrimitives.ReadUInt32BigEndian(ipsec[8..]), true),
            IpsecProtocol.IpComp when ipsec.Length >= IpCompLength =>
                (BinaryPrimitives.ReadUInt16BigEndian(ipsec[2..]), 0u, true),
            _ => (0u, 0u, false),
        };
        if (!complete)
        {
            return Status.Malformed;
        }

        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(ipsecOffset);
        packet.NextHeaderFieldOffset = namingByte;
        header = new InboundHeader(protocol, destination, spi, sequence);
        return Status.Found;
    }

    /// <summary>
    /// The common case in one pass: ESP in an IPv4 header without options, whole (not a fragment), with lengths that
    /// the full parse would accept. False leaves everything else, errors included, to the full parse.
    /// </summary>
    private static bool TryParsePlainIpv4Esp(Packet packet, Span<byte> data, out InboundHeader header)
    {
        header = default;
        if (data.Length < Ipv4Header.MinLength + EspMinimum
            || data[Ipv4Header.VersionAndIhlOffset] != 0x45
            || data[Ipv4Header.ProtocolOffset] != (byte)IpProtocol.Esp)
        {
            return false;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(data[Ipv4Header.TotalLengthOffset..]);
        bool fragment = (BinaryPrimitives.ReadUInt16BigEndian(data[Ipv4Header.FlagsAndFragmentOffset..]) & 0x3FFF) != 0;
        if (totalLength < Ipv4Header.MinLength || totalLength > data.Length || fragment)
        {
            return false;
        }

        ReadOnlySpan<byte> esp = data[Ipv4Header.MinLength..];
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(Ipv4Header.MinLength);
        packet.NextHeaderFieldOffset = Ipv4Header.ProtocolOffset;
        header = new InboundHeader(
            IpsecProtocol.Esp,
            IpAddress.FromIpv4(BinaryPrimitives.ReadUInt32BigEndian(data[Ipv4Header.DestinationOffset..])),
            BinaryPrimitives.ReadUInt32BigEndian(esp),
            BinaryPrimitives.ReadUInt32BigEndian(esp[4..]));
        return true;
    }

    /// <summary><see cref="Status.IpInIp"/> with the marks set when <paramref name="protocol"/> is IPv4 or IPv6, else <see cref="Status.NotIpsec"/>.</summary>
    private static Status IpInIp(Packet packet, IpProtocol protocol, int innerOffset, IpAddress source, IpAddress destination, out InboundHeader header)
    {
        header = default;
        if (protocol is not (IpProtocol.IpInIp or IpProtocol.Ipv6))
        {
            return Status.NotIpsec;
        }

        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(innerOffset);
        packet.InnerProtocol = protocol;
        header = new InboundHeader(default, destination, 0, 0) { Source = source };
        return Status.IpInIp;
    }

    private static bool IsIpsec(IpProtocol protocol) => protocol is IpProtocol.Esp or IpProtocol.Ah or IpProtocol.IpComp;
}

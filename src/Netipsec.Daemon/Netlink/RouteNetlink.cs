using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Netipsec.Daemon.Interop;
using Netipsec.Packets;

namespace Netipsec.Daemon.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket that configures the TUN interface: link up and MTU, addresses, and the routes that send
/// protected subnets into it.
/// </summary>
/// <remarks>
/// Why rtnetlink and not ip(8): routes follow the SPD, so they change whenever a policy is added or removed; one
/// request per change on a socket the daemon keeps open answers with the kernel's own errno, needs no iproute2 in
/// the image, forks nothing and parses no text. The messages are the handful iproute2 itself sends (rtnetlink(7)).
/// Not thread-safe: one request at a time, each waiting for its acknowledgement.
/// </remarks>
internal sealed unsafe class RouteNetlink : IDisposable
{
    private const ushort NewLink = 16;   // RTM_NEWLINK
    private const ushort NewAddress = 20; // RTM_NEWADDR
    private const ushort NewRoute = 24;  // RTM_NEWROUTE
    private const ushort DeleteRoute = 25; // RTM_DELROUTE
    private const ushort ErrorMessage = 2; // NLMSG_ERROR

    private const ushort FlagRequest = 0x1;
    private const ushort FlagAck = 0x4;
    private const ushort FlagReplace = 0x100;
    private const ushort FlagCreate = 0x400;

    private const ushort LinkMtu = 4;       // IFLA_MTU
    private const ushort LinkTxQueueLength = 13; // IFLA_TXQLEN
    private const ushort AddressAddress = 1; // IFA_ADDRESS
    private const ushort AddressLocal = 2;  // IFA_LOCAL
    private const ushort RouteDestination = 1; // RTA_DST
    private const ushort RouteOutputInterface = 4; // RTA_OIF

    private const uint InterfaceUp = 0x1;   // IFF_UP
    private const byte MainTable = 254;     // RT_TABLE_MAIN
    private const byte StaticProtocol = 4;  // RTPROT_STATIC
    private const byte LinkScope = 253;     // RT_SCOPE_LINK
    private const byte UnicastRoute = 1;    // RTN_UNICAST

    private const int HeaderLength = 16;    // struct nlmsghdr

    private readonly int _fd;
    private uint _sequence;

    public RouteNetlink()
    {
        _fd = Libc.Socket(LibcConstants.AddressFamilyNetlink, LibcConstants.SocketRaw | LibcConstants.CloseOnExec, LibcConstants.NetlinkRoute);
        if (_fd < 0)
        {
            throw new IOException($"cannot open a rtnetlink socket: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>
    /// Sets the interface's MTU and transmit queue length and brings it up. The queue is what the kernel holds while
    /// the readers are busy; TUN's default of 500 drops bursts a 1 Gbit/s sender produces.
    /// </summary>
    /// <returns>0, or the kernel's errno.</returns>
    public int SetLinkUp(int interfaceIndex, int mtu, int transmitQueueLength)
    {
        Span<byte> message = stackalloc byte[64];
        int length = Header(message, NewLink, FlagRequest | FlagAck);
        // struct ifinfomsg: family, pad, type, index, flags, change
        Span<byte> info = message.Slice(length, 16);
        info.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(info[4..], interfaceIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(info[8..], InterfaceUp);
        BinaryPrimitives.WriteUInt32LittleEndian(info[12..], InterfaceUp);
        length += 16;
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(value, mtu);
        length = Attribute(message, length, LinkMtu, value);
        BinaryPrimitives.WriteInt32LittleEndian(value, transmitQueueLength);
        length = Attribute(message, length, LinkTxQueueLength, value);
        return Request(message[..length]);
    }

    /// <summary>Gives the interface an address; an address already present is not an error.</summary>
    public int AddAddress(int interfaceIndex, IpPrefix prefix)
    {
        Span<byte> message = stackalloc byte[96];
        int length = Header(message, NewAddress, FlagRequest | FlagAck | FlagCreate | FlagReplace);
        // struct ifaddrmsg: family, prefixlen, flags, scope, index
        Span<byte> info = message.Slice(length, 8);
        info.Clear();
        info[0] = Family(prefix.Address);
        info[1] = prefix.Length;
        BinaryPrimitives.WriteInt32LittleEndian(info[4..], interfaceIndex);
        length += 8;
        Span<byte> address = stackalloc byte[prefix.Address.ByteLength];
        prefix.Address.WriteTo(address);
        length = Attribute(message, length, AddressLocal, address);
        length = Attribute(message, length, AddressAddress, address);
        return Request(message[..length]);
    }

    /// <summary>Routes <paramref name="destination"/> into the interface (main table, scope link, proto static).</summary>
    public int AddRoute(int interfaceIndex, IpPrefix destination) => Route(NewRoute, FlagRequest | FlagAck | FlagCreate | FlagReplace, interfaceIndex, destination);

    /// <summary>Removes the route <see cref="AddRoute"/> installed.</summary>
    public int DeleteRouteTo(int interfaceIndex, IpPrefix destination) => Route(DeleteRoute, FlagRequest | FlagAck, interfaceIndex, destination);

    public void Dispose() => Libc.Close(_fd);

    private int Route(ushort type, ushort flags, int interfaceIndex, IpPrefix destination)
    {
        Span<byte> message = stackalloc byte[96];
        int length = Header(message, type, flags);
        // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
        Span<byte> info = message.Slice(length, 12);
        info.Clear();
        info[0] = Family(destination.Address);
        info[1] = destination.Length;
        info[4] = MainTable;
        info[5] = StaticProtocol;
        info[6] = LinkScope;
        info[7] = UnicastRoute;
        length += 12;
        Span<byte> address = stackalloc byte[destination.Address.ByteLength];
        destination.Address.Mask(destination.Length).WriteTo(address);
        length = Attribute(message, length, RouteDestination, address);
        Span<byte> index = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(index, interfaceIndex);
        length = Attribute(message, length, RouteOutputInterface, index);
        return Request(message[..length]);
    }

    private static byte Family(IpAddress address) =>
        (byte)(address.Version == IpVersion.V4 ? LibcConstants.AddressFamilyInet : LibcConstants.AddressFamilyInet6);

    private int Header(Span<byte> message, ushort type, ushort flags)
    {
        message.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(message[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(message[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(message[8..], ++_sequence);
        return HeaderLength;
    }

    /// <summary>Appends one struct rtattr (length, type, value, padding to 4 bytes).</summary>
    private static int Attribute(Span<byte> message, int offset, ushort type, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(message[offset..], (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(message[(offset + 2)..], type);
        value.CopyTo(message[(offset + 4)..]);
        return offset + ((4 + value.Length + 3) & ~3);
    }

    /// <summary>Sends one request and waits for its acknowledgement; 0 or the errno it carries.</summary>
    private int Request(Span<byte> message)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(message[8..]);
        fixed (byte* request = message)
        {
            if (Libc.Send(_fd, request, (nuint)message.Length, 0) < 0)
            {
                return Marshal.GetLastPInvokeError();
            }
        }

        Span<byte> reply = stackalloc byte[1024];
        while (true)
        {
            nint received;
            fixed (byte* buffer = reply)
            {
                received = Libc.Receive(_fd, buffer, (nuint)reply.Length, 0);
            }

            if (received < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibcConstants.Interrupted)
                {
                    continue;
                }

                return errno;
            }

            // Walk the datagram's messages for the acknowledgement of this request (older replies are skipped).
            for (int offset = 0; offset + HeaderLength <= received;)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(reply[offset..]);
                if (length < HeaderLength || offset + length > received)
                {
                    break;
                }

                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(reply[(offset + 4)..]);
                uint replySequence = BinaryPrimitives.ReadUInt32LittleEndian(reply[(offset + 8)..]);
                if (type == ErrorMessage && replySequence == sequence && length >= HeaderLength + 4)
                {
                    return -BinaryPrimitives.ReadInt32LittleEndian(reply[(offset + HeaderLength)..]);
                }

                offset += (length + 3) & ~3;
            }
        }
    }
}

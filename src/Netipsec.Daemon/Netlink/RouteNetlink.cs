using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Netipsec.Daemon.Interop;
using Netipsec.Packets;

namespace Netipsec.Daemon.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket that configures the TUN interface: link up and MTU, addresses, the routes that send
/// protected traffic into it, and the policy-routing rule that keeps the daemon's own marked packets out of them.
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
    private const ushort NewRuleRequest = 32;   // RTM_NEWRULE
    private const ushort DeleteRuleRequest = 33; // RTM_DELRULE
    private const ushort ErrorMessage = 2; // NLMSG_ERROR

    private const ushort FlagRequest = 0x1;
    private const ushort FlagAck = 0x4;
    private const ushort FlagReplace = 0x100;
    private const ushort FlagExclusive = 0x200;
    private const ushort FlagCreate = 0x400;

    private const ushort LinkMtu = 4;       // IFLA_MTU
    private const ushort LinkTxQueueLength = 13; // IFLA_TXQLEN
    private const ushort AddressAddress = 1; // IFA_ADDRESS
    private const ushort AddressLocal = 2;  // IFA_LOCAL
    private const ushort RouteDestination = 1; // RTA_DST
    private const ushort RouteOutputInterface = 4; // RTA_OIF
    private const ushort RoutePreferredSource = 7; // RTA_PREFSRC
    private const ushort RouteTableId = 15; // RTA_TABLE: the table as 32 bits (rtmsg's byte holds only 0-255)
    private const ushort RulePriority = 6;  // FRA_PRIORITY
    private const ushort RuleFirewallMark = 10; // FRA_FWMARK
    private const ushort RuleTable = 15;    // FRA_TABLE
    private const ushort RuleFirewallMask = 16; // FRA_FWMASK

    private const uint InterfaceUp = 0x1;   // IFF_UP
    /// <summary>RT_TABLE_MAIN, where the routes of tunnel policies go.</summary>
    internal const int MainTable = 254;

    private const byte ToTableAction = 1;   // FR_ACT_TO_TBL
    private const uint InvertRule = 0x2;    // FIB_RULE_INVERT: the rule matches packets its selectors do NOT match
    private const byte StaticProtocol = 4;  // RTPROT_STATIC
    private const byte LinkScope = 253;     // RT_SCOPE_LINK
    private const byte UnicastRoute = 1;    // RTN_UNICAST

    private const int HeaderLength = 16;    // struct nlmsghdr
    private const int MessageCapacity = 128;

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

    /// <summary>
    /// Routes <paramref name="destination"/> into the interface in <paramref name="table"/> (scope link, proto
    /// static), with <paramref name="preferredSource"/> as the source local traffic picks unless it is unset.
    /// </summary>
    public int AddRoute(int interfaceIndex, IpPrefix destination, IpAddress preferredSource, int table)
    {
        Span<byte> message = stackalloc byte[MessageCapacity];
        return Request(message[..EncodeRoute(message, add: true, interfaceIndex, destination, preferredSource, table)]);
    }

    /// <summary>Removes the route <see cref="AddRoute"/> installed.</summary>
    public int DeleteRouteTo(int interfaceIndex, IpPrefix destination, IpAddress preferredSource, int table)
    {
        Span<byte> message = stackalloc byte[MessageCapacity];
        return Request(message[..EncodeRoute(message, add: false, interfaceIndex, destination, preferredSource, table)]);
    }

    /// <summary>Adds <paramref name="rule"/> for <paramref name="version"/>; an identical rule already present is EEXIST.</summary>
    public int AddRule(IpVersion version, UnmarkedRule rule)
    {
        Span<byte> message = stackalloc byte[MessageCapacity];
        return Request(message[..EncodeRule(message, add: true, version, rule)]);
    }

    /// <summary>Removes one rule equal to <paramref name="rule"/>; ENOENT when there is none.</summary>
    public int DeleteRule(IpVersion version, UnmarkedRule rule)
    {
        Span<byte> message = stackalloc byte[MessageCapacity];
        return Request(message[..EncodeRule(message, add: false, version, rule)]);
    }

    public void Dispose() => Libc.Close(_fd);

    /// <summary>The bytes of RTM_NEWROUTE/RTM_DELROUTE (sequence number 0: <see cref="Request"/> numbers it); returns their length.</summary>
    internal static int EncodeRoute(Span<byte> message, bool add, int interfaceIndex, IpPrefix destination, IpAddress preferredSource, int table)
    {
        int length = Header(message, add ? NewRoute : DeleteRoute, add ? (ushort)(FlagRequest | FlagAck | FlagCreate | FlagReplace) : (ushort)(FlagRequest | FlagAck));
        // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
        Span<byte> info = message.Slice(length, 12);
        info[0] = Family(destination.Address);
        info[1] = destination.Length;
        info[4] = TableByte(table);
        info[5] = StaticProtocol;
        info[6] = LinkScope;
        info[7] = UnicastRoute;
        length += 12;
        Span<byte> address = stackalloc byte[destination.Address.ByteLength];
        destination.Address.Mask(destination.Length).WriteTo(address);
        length = Attribute(message, length, RouteDestination, address);
        if (preferredSource.Version != IpVersion.None)
        {
            preferredSource.WriteTo(address);
            length = Attribute(message, length, RoutePreferredSource, address);
        }

        length = Attribute32(message, length, RouteOutputInterface, (uint)interfaceIndex);
        length = Attribute32(message, length, RouteTableId, (uint)table);
        return Finish(message, length);
    }

    /// <summary>The bytes of RTM_NEWRULE/RTM_DELRULE for <paramref name="rule"/> (sequence number 0); returns their length.</summary>
    internal static int EncodeRule(Span<byte> message, bool add, IpVersion version, UnmarkedRule rule)
    {
        // NLM_F_EXCL makes the kernel refuse a duplicate instead of stacking a second identical rule.
        int length = Header(message, add ? NewRuleRequest : DeleteRuleRequest, add ? (ushort)(FlagRequest | FlagAck | FlagCreate | FlagExclusive) : (ushort)(FlagRequest | FlagAck));
        // struct fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action, flags
        Span<byte> header = message.Slice(length, 12);
        header[0] = (byte)(version == IpVersion.V4 ? LibcConstants.AddressFamilyInet : LibcConstants.AddressFamilyInet6);
        header[4] = TableByte(rule.Table);
        header[7] = ToTableAction;
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], InvertRule);
        length += 12;
        length = Attribute32(message, length, RulePriority, (uint)rule.Priority);
        length = Attribute32(message, length, RuleFirewallMark, rule.Mark);
        length = Attribute32(message, length, RuleFirewallMask, UnmarkedRule.Mask);
        length = Attribute32(message, length, RuleTable, (uint)rule.Table);
        return Finish(message, length);
    }

    /// <summary>The table in the header's byte: itself up to 255, else RT_TABLE_UNSPEC with the attribute saying which.</summary>
    private static byte TableByte(int table) => table <= byte.MaxValue ? (byte)table : (byte)0;

    private static byte Family(IpAddress address) =>
        (byte)(address.Version == IpVersion.V4 ? LibcConstants.AddressFamilyInet : LibcConstants.AddressFamilyInet6);

    private static int Header(Span<byte> message, ushort type, ushort flags)
    {
        message.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(message[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(message[6..], flags);
        return HeaderLength;
    }

    /// <summary>Writes the total length into the header; returns it.</summary>
    private static int Finish(Span<byte> message, int length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)length);
        return length;
    }

    private static int Attribute32(Span<byte> message, int offset, ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Attribute(message, offset, type, bytes);
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
        uint sequence = ++_sequence;
        BinaryPrimitives.WriteUInt32LittleEndian(message[8..], sequence);
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

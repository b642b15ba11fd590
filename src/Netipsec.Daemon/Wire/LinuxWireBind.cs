using System.Runtime.InteropServices;
using Netipsec.Daemon.Interop;
using Netipsec.Packets;

namespace Netipsec.Daemon.Wire;

/// <summary>
/// The wire on Linux: raw IP sockets for ESP, AH and IPComp (IPv4 and IPv6) for SAs without encapsulation, a UDP
/// socket per family on the NAT-T port for ESP in UDP, and two IPPROTO_RAW sockets that send packets with the
/// header the engine built. Receives and sends go through recvmmsg/sendmmsg, a batch per call.
/// </summary>
/// <remarks>
/// While a raw socket for a protocol is open the kernel does not answer that protocol with ICMP "protocol
/// unreachable", and it still handles the packets itself where it has its own SAs (it has none here).
/// IPv6 raw sockets deliver the payload after the extension headers, which the kernel consumed: AH over IPv6 with
/// extension headers in front of it cannot be verified from such a socket (the rebuilt header has none of them).
/// </remarks>
internal sealed unsafe class LinuxWireBind : IWireBind
{
    private const int ReceiveBufferBytes = 4 * 1024 * 1024;

    private static readonly IpProtocol[] IpsecProtocols = [IpProtocol.Esp, IpProtocol.Ah, IpProtocol.IpComp];

    private readonly List<WireSocket> _receivers = [];
    private readonly int _sendIpv4 = -1;
    private readonly int _sendIpv6 = -1;
    private readonly int _udpIpv4 = -1;
    private readonly int _udpIpv6 = -1;
    private readonly ushort _udpPort;
    private readonly uint _mark;
    private readonly WakeEvent _wake = new();
    private readonly MessageVector _receiveVector;
    private readonly ThreadLocal<MessageVector> _sendVectors;
    private readonly PollFd* _pollSet;
    private long _sendErrors;
    private long _receiveErrors;
    private long _malformed;
    private volatile bool _closed;
    private int _disposed;

    /// <summary>Opens the sockets; IPv6 ones only when the host has IPv6.</summary>
    /// <param name="udpPort">The NAT-T port for ESP in UDP (4500), or 0 for no UDP sockets.</param>
    /// <param name="batchSize">The most messages one recvmmsg/sendmmsg moves.</param>
    /// <param name="mark">
    /// The firewall mark (SO_MARK) on every socket, so the daemon's own packets skip the routes into the TUN that
    /// only unmarked packets see; 0 for none.
    /// </param>
    /// <exception cref="IOException">A socket could not be opened, marked or bound (no CAP_NET_RAW or CAP_NET_ADMIN, port in use).</exception>
    public LinuxWireBind(ushort udpPort, int batchSize, uint mark = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _udpPort = udpPort;
        _mark = mark;
        _receiveVector = new MessageVector(batchSize);
        _sendVectors = new ThreadLocal<MessageVector>(() => new MessageVector(batchSize), trackAllValues: true);
        try
        {
            bool ipv6 = System.Net.Sockets.Socket.OSSupportsIPv6;
            foreach (IpProtocol protocol in IpsecProtocols)
            {
                AddReceiver(OpenSocket(LibcConstants.AddressFamilyInet, LibcConstants.SocketRaw, (int)protocol), WireSocketKind.RawIpv4, protocol);
                if (ipv6)
                {
                    int fd = OpenSocket(LibcConstants.AddressFamilyInet6, LibcConstants.SocketRaw, (int)protocol);
                    AddReceiver(fd, WireSocketKind.RawIpv6, protocol);
                    SetOption(fd, LibcConstants.LevelIpv6, LibcConstants.Ipv6ReceivePacketInfo, 1);
                    SetOption(fd, LibcConstants.LevelIpv6, LibcConstants.Ipv6ReceiveHopLimit, 1);
                    SetOption(fd, LibcConstants.LevelIpv6, LibcConstants.Ipv6ReceiveTrafficClass, 1);
                }
            }

            _sendIpv4 = OpenSocket(LibcConstants.AddressFamilyInet, LibcConstants.SocketRaw, LibcConstants.IpProtocolRaw);
            if (ipv6)
            {
                _sendIpv6 = OpenSocket(LibcConstants.AddressFamilyInet6, LibcConstants.SocketRaw, LibcConstants.IpProtocolRaw);
            }

            if (udpPort != 0)
            {
                _udpIpv4 = OpenUdp(IpAddress.AnyV4, udpPort);
                AddReceiver(_udpIpv4, WireSocketKind.UdpIpv4, IpProtocol.Udp);
                if (ipv6)
                {
                    _udpIpv6 = OpenUdp(IpAddress.AnyV6, udpPort);
                    AddReceiver(_udpIpv6, WireSocketKind.UdpIpv6, IpProtocol.Udp);
                }
            }

            IPv6 = ipv6;
            _pollSet = (PollFd*)NativeMemory.AllocZeroed((nuint)((_receivers.Count + 1) * sizeof(PollFd)));
            for (int i = 0; i < _receivers.Count; i++)
            {
                _pollSet[i] = new PollFd { Fd = _receivers[i].Fd, Events = LibcConstants.PollIn };
            }

            _pollSet[_receivers.Count] = new PollFd { Fd = _wake.Fd, Events = LibcConstants.PollIn };
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>True when the IPv6 sockets are open.</summary>
    public bool IPv6 { get; }

    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>Receive calls that failed with an error other than "would block".</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>Received messages that could not be made into a packet (truncated, no ancillary data).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    public int Receive(Span<Packet> packets)
    {
        int socketCount = _receivers.Count;
        while (!_closed)
        {
            if (Libc.Poll(_pollSet, (nuint)(socketCount + 1), -1) <= 0)
            {
                continue; // EINTR
            }

            int count = 0;
            for (int i = 0; i < socketCount && count < packets.Length; i++)
            {
                if ((_pollSet[i].ReturnedEvents & LibcConstants.PollIn) != 0)
                {
                    count += ReceiveFrom(_receivers[i], packets[count..]);
                }
            }

            if (count > 0)
            {
                return count;
            }
        }

        return 0;
    }

    public void Send(ReadOnlySpan<Packet> packets)
    {
        MessageVector vector = _sendVectors.Value!;
        int start = 0;
        while (start < packets.Length)
        {
            // A run of consecutive packets leaving by the same socket goes out in one sendmmsg.
            int fd = -1;
            int count = 0;
            while (start + count < packets.Length && count < vector.Capacity)
            {
                int packetFd = Prepare(vector, count, packets[start + count]);
                if (packetFd < 0)
                {
                    if (count == 0)
                    {
                        Interlocked.Increment(ref _sendErrors);
                        start++;
                        continue;
                    }

                    break;
                }

                if (fd >= 0 && packetFd != fd)
                {
                    break;
                }

                fd = packetFd;
                count++;
            }

            if (count > 0)
            {
                SendPinned(vector, fd, packets.Slice(start, count), 0);
                start += count;
            }
        }
    }

    public void Close()
    {
        _closed = true;
        _wake.Signal();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close();
        foreach (WireSocket socket in _receivers)
        {
            Libc.Close(socket.Fd);
        }

        foreach (int fd in new[] { _sendIpv4, _sendIpv6 })
        {
            if (fd >= 0)
            {
                Libc.Close(fd);
            }
        }

        if (_pollSet is not null)
        {
            NativeMemory.Free(_pollSet);
        }

        _receiveVector.Dispose();
        foreach (MessageVector vector in _sendVectors.Values)
        {
            vector.Dispose();
        }

        _sendVectors.Dispose();
        _wake.Dispose();
    }

    /// <summary>One recvmmsg on <paramref name="socket"/> into the front of <paramref name="packets"/>; returns the packets made whole.</summary>
    private int ReceiveFrom(WireSocket socket, Span<Packet> packets)
    {
        int count = Math.Min(packets.Length, _receiveVector.Capacity);
        for (int i = 0; i < count; i++)
        {
            packets[i].Put(packets[i].Tailroom);
        }

        int received = ReceivePinned(socket.Fd, packets[..count], 0);
        if (received < 0)
        {
            if (Marshal.GetLastPInvokeError() is not (LibcConstants.TryAgain or LibcConstants.Interrupted))
            {
                Interlocked.Increment(ref _receiveErrors);
            }

            received = 0;
        }

        // Complete the good ones, moving them to the front; bad and unused ones are emptied for the next call.
        int whole = 0;
        for (int i = 0; i < count; i++)
        {
            Packet packet = packets[i];
            if (i < received && Complete(socket, packet, i))
            {
                packets[i] = packets[whole];
                packets[whole++] = packet;
            }
            else
            {
                if (i < received)
                {
                    Interlocked.Increment(ref _malformed);
                }

                packet.Trim(0);
            }
        }

        return whole;
    }

    /// <summary>
    /// Pins packet <paramref name="index"/>'s buffer, then recurses for the next one, and calls recvmmsg with all of
    /// them pinned: a fixed statement pins one object, and the number of packets is only known at run time.
    /// </summary>
    private int ReceivePinned(int fd, Span<Packet> packets, int index)
    {
        if (index == packets.Length)
        {
            int result;
            do
            {
                result = Libc.ReceiveMessages(fd, _receiveVector.Headers, (uint)packets.Length, LibcConstants.DontWait, null);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == LibcConstants.Interrupted);

            return result;
        }

        Span<byte> room = packets[index].Data;
        fixed (byte* data = room)
        {
            _receiveVector.PrepareReceive(index, data, room.Length);
            return ReceivePinned(fd, packets, index + 1);
        }
    }

    /// <summary>Turns received message <paramref name="index"/> into a whole IP packet.</summary>
    private bool Complete(WireSocket socket, Packet packet, int index)
    {
        const int Truncated = 0x20; // MSG_TRUNC
        int length = _receiveVector.ReceivedLength(index);
        if ((_receiveVector.ReceivedFlags(index) & Truncated) != 0 || length == 0)
        {
            return false;
        }

        packet.Trim(length);
        switch (socket.Kind)
        {
            case WireSocketKind.RawIpv4:
                packet.SetNetworkHeader(0);
                return length >= Ipv4Header.MinLength;
            case WireSocketKind.RawIpv6:
                return MessageVector.TryReadSocketAddress(_receiveVector.Name(index), out IpAddress source, out _)
                    && TryReadIpv6Ancillary(_receiveVector.ReceivedControl(index), out IpAddress destination, out byte hopLimit, out byte trafficClass)
                    && WireHeaders.TryRebuildIpv6(packet, socket.Protocol, source, destination, trafficClass, hopLimit);
            case WireSocketKind.UdpIpv4:
                return MessageVector.TryReadSocketAddress(_receiveVector.Name(index), out IpAddress udpSource, out ushort sourcePort)
                    && MessageVector.TryFindControlMessage(_receiveVector.ReceivedControl(index), LibcConstants.LevelIp, LibcConstants.IpPacketInfo, out ReadOnlySpan<byte> info)
                    && info.Length >= 12
                    && WireHeaders.TryRebuildUdp(packet, udpSource, sourcePort, IpAddress.Read(info.Slice(8, 4)), _udpPort);
            default:
                return MessageVector.TryReadSocketAddress(_receiveVector.Name(index), out IpAddress udp6Source, out ushort source6Port)
                    && TryReadIpv6Ancillary(_receiveVector.ReceivedControl(index), out IpAddress udp6Destination, out _, out _)
                    && WireHeaders.TryRebuildUdp(packet, udp6Source, source6Port, udp6Destination, _udpPort);
        }
    }

    private static bool TryReadIpv6Ancillary(ReadOnlySpan<byte> control, out IpAddress destination, out byte hopLimit, out byte trafficClass)
    {
        hopLimit = MessageVector.TryFindControlMessage(control, LibcConstants.LevelIpv6, LibcConstants.Ipv6HopLimit, out ReadOnlySpan<byte> hops) && hops.Length >= 4
            ? (byte)MemoryMarshal.Read<int>(hops)
            : WireHeaders.DefaultHopLimit;
        trafficClass = MessageVector.TryFindControlMessage(control, LibcConstants.LevelIpv6, LibcConstants.Ipv6TrafficClass, out ReadOnlySpan<byte> tclass) && tclass.Length >= 4
            ? (byte)MemoryMarshal.Read<int>(tclass)
            : (byte)0;
        if (MessageVector.TryFindControlMessage(control, LibcConstants.LevelIpv6, LibcConstants.Ipv6PacketInfo, out ReadOnlySpan<byte> info) && info.Length >= 16)
        {
            destination = IpAddress.Read(info[..16]);
            return true;
        }

        destination = default;
        return false;
    }

    /// <summary>Fills message <paramref name="index"/>'s address and control for <paramref name="packet"/>; returns the fd it leaves by, or -1.</summary>
    private int Prepare(MessageVector vector, int index, Packet packet)
    {
        ReadOnlySpan<byte> data = packet.Data;
        if (_udpPort != 0 && WireHeaders.IsFromUdpPort(data, _udpPort, out IpAddress source, out IpAddress destination, out ushort port, out int payload))
        {
            int udpFd = source.Version == IpVersion.V4 ? _udpIpv4 : _udpIpv6;
            if (udpFd < 0)
            {
                return -1;
            }

            vector.Offsets[index] = payload;
            int nameLength = MessageVector.WriteSocketAddress(vector.Name(index), destination, port);
            Span<byte> info = stackalloc byte[20];
            info.Clear();
            int controlLength;
            if (source.Version == IpVersion.V4)
            {
                source.WriteTo(info[4..]); // in_pktinfo.ipi_spec_dst: the source address to send from
                controlLength = MessageVector.WriteControlMessage(vector.Control(index), LibcConstants.LevelIp, LibcConstants.IpPacketInfo, info[..12]);
            }
            else
            {
                source.WriteTo(info); // in6_pktinfo.ipi6_addr
                controlLength = MessageVector.WriteControlMessage(vector.Control(index), LibcConstants.LevelIpv6, LibcConstants.Ipv6PacketInfo, info);
            }

            vector.PrepareSend(index, null, 0, nameLength, controlLength);
            return udpFd;
        }

        if (!WireHeaders.TryGetDestination(data, out IpAddress rawDestination))
        {
            return -1;
        }

        int fd = rawDestination.Version == IpVersion.V4 ? _sendIpv4 : _sendIpv6;
        vector.Offsets[index] = 0;
        vector.PrepareSend(index, null, 0, MessageVector.WriteSocketAddress(vector.Name(index), rawDestination, 0), 0);
        return fd;
    }

    /// <summary>Pins each packet of the run (see <see cref="ReceivePinned"/>) and sends them with sendmmsg.</summary>
    private void SendPinned(MessageVector vector, int fd, ReadOnlySpan<Packet> packets, int index)
    {
        if (index == packets.Length)
        {
            SendAll(vector, fd, packets.Length);
            return;
        }

        ReadOnlySpan<byte> data = packets[index].Data[vector.Offsets[index]..];
        fixed (byte* bytes = data)
        {
            MsgHdr* header = &vector.Headers[index].Header;
            header->Iov->Base = bytes;
            header->Iov->Length = (nuint)data.Length;
            SendPinned(vector, fd, packets, index + 1);
        }
    }

    private void SendAll(MessageVector vector, int fd, int count)
    {
        int sent = 0;
        while (sent < count)
        {
            int result = Libc.SendMessages(fd, vector.Headers + sent, (uint)(count - sent), 0);
            if (result > 0)
            {
                sent += result;
                continue;
            }

            if (result < 0 && Marshal.GetLastPInvokeError() == LibcConstants.Interrupted)
            {
                continue;
            }

            // sendmmsg stops at the first message the kernel refuses (unreachable, too big): skip it, send the rest.
            Interlocked.Increment(ref _sendErrors);
            sent++;
        }
    }

    private void AddReceiver(int fd, WireSocketKind kind, IpProtocol protocol)
    {
        _receivers.Add(new WireSocket(fd, kind, protocol));

        // One thread decrypts what the peer's cores encrypt: a deep receive queue absorbs bursts the default
        // (about 200 KiB) would drop. Forcing past rmem_max needs CAP_NET_ADMIN, which the daemon has for the TUN.
        int size = ReceiveBufferBytes;
        if (Libc.SetSockOpt(fd, LibcConstants.SolSocket, LibcConstants.SoReceiveBufferForce, &size, sizeof(int)) < 0)
        {
            _ = Libc.SetSockOpt(fd, LibcConstants.SolSocket, LibcConstants.SoReceiveBuffer, &size, sizeof(int));
        }
    }

    private int OpenSocket(int family, int type, int protocol)
    {
        int fd = Libc.Socket(family, type | LibcConstants.CloseOnExec, protocol);
        if (fd < 0)
        {
            throw new IOException($"socket({family}, {type}, {protocol}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        if (_mark != 0)
        {
            try
            {
                SetOption(fd, LibcConstants.SolSocket, LibcConstants.SoMark, unchecked((int)_mark));
            }
            catch
            {
                Libc.Close(fd);
                throw;
            }
        }

        return fd;
    }

    private int OpenUdp(IpAddress any, ushort port)
    {
        bool v4 = any.Version == IpVersion.V4;
        int fd = OpenSocket(v4 ? LibcConstants.AddressFamilyInet : LibcConstants.AddressFamilyInet6, LibcConstants.SocketDatagram, 0);
        try
        {
            SetOption(fd, LibcConstants.SolSocket, LibcConstants.SoReuseAddress, 1);
            if (v4)
            {
                SetOption(fd, LibcConstants.LevelIp, LibcConstants.IpPacketInfo, 1);
            }
            else
            {
                SetOption(fd, LibcConstants.LevelIpv6, LibcConstants.Ipv6V6Only, 1);
                SetOption(fd, LibcConstants.LevelIpv6, LibcConstants.Ipv6ReceivePacketInfo, 1);
            }

            Span<byte> name = stackalloc byte[MessageVector.NameSize];
            int length = MessageVector.WriteSocketAddress(name, any, port);
            fixed (byte* address = name)
            {
                if (Libc.Bind(fd, address, (uint)length) < 0)
                {
                    throw new IOException($"cannot bind UDP port {port}: errno {Marshal.GetLastPInvokeError()}");
                }
            }

            return fd;
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }

    private static void SetOption(int fd, int level, int name, int value)
    {
        if (Libc.SetSockOpt(fd, level, name, &value, sizeof(int)) < 0)
        {
            throw new IOException($"setsockopt({level}, {name}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private readonly record struct WireSocket(int Fd, WireSocketKind Kind, IpProtocol Protocol);
}

namespace Netipsec.Daemon.Interop;

/// <summary>Linux ABI numbers (x86-64 and arm64 share them) for the calls in <see cref="Libc"/>.</summary>
internal static class LibcConstants
{
    // open(2)
    internal const int ReadWrite = 0x2;
    internal const int NonBlocking = 0x800;
    internal const int CloseOnExec = 0x80000;

    // errno
    internal const int Interrupted = 4;       // EINTR
    internal const int TryAgain = 11;         // EAGAIN / EWOULDBLOCK

    // poll(2)
    internal const short PollIn = 0x1;

    // socket(2)
    internal const int AddressFamilyInet = 2;
    internal const int AddressFamilyInet6 = 10;
    internal const int AddressFamilyNetlink = 16;
    internal const int SocketRaw = 3;
    internal const int SocketDatagram = 2;
    internal const int IpProtocolRaw = 255;   // IPPROTO_RAW: send only, IP_HDRINCL implied (IPv4 and IPv6)
    internal const int NetlinkRoute = 0;

    // send/recv flags
    internal const int DontWait = 0x40;       // MSG_DONTWAIT

    // setsockopt levels and names
    internal const int SolSocket = 1;
    internal const int SoReuseAddress = 2;
    internal const int SoReceiveBuffer = 8;
    internal const int SoReceiveBufferForce = 33; // SO_RCVBUFFORCE: past net.core.rmem_max, with CAP_NET_ADMIN
    internal const int SoMark = 36;         // SO_MARK: the firewall mark routing rules match, with CAP_NET_ADMIN
    internal const int LevelIp = 0;
    internal const int IpPacketInfo = 8;      // IP_PKTINFO
    internal const int LevelIpv6 = 41;
    internal const int Ipv6V6Only = 26;
    internal const int Ipv6ReceivePacketInfo = 49; // IPV6_RECVPKTINFO
    internal const int Ipv6PacketInfo = 50;        // IPV6_PKTINFO (the cmsg type)
    internal const int Ipv6ReceiveHopLimit = 51;   // IPV6_RECVHOPLIMIT
    internal const int Ipv6HopLimit = 52;          // IPV6_HOPLIMIT (the cmsg type)
    internal const int Ipv6ReceiveTrafficClass = 66; // IPV6_RECVTCLASS
    internal const int Ipv6TrafficClass = 67;        // IPV6_TCLASS (the cmsg type)
}

using System.Runtime.InteropServices;

namespace Netipsec.Daemon.Interop;

/// <summary>struct mmsghdr: one message of a recvmmsg/sendmmsg vector and the bytes it moved.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}

using System.Runtime.InteropServices;

namespace Netipsec.Daemon.Interop;

/// <summary>struct msghdr (56 bytes on LP64: the layout pads after the 32-bit name length and flags).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public void* Name;
    public uint NameLength;
    public IoVec* Iov;
    public nuint IovLength;
    public byte* Control;
    public nuint ControlLength;
    public int Flags;
}

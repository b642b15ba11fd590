using System.Runtime.InteropServices;

namespace Netipsec.Daemon.Interop;

/// <summary>struct ifreq as TUNSETIFF uses it: the interface name and the flags short of the 24-byte union.</summary>
[StructLayout(LayoutKind.Sequential, Size = 40)]
internal unsafe struct IfReq
{
    /// <summary>IFNAMSIZ: names are at most 15 bytes plus the terminating zero.</summary>
    public const int NameSize = 16;

    public fixed byte Name[NameSize];
    public short Flags;
}

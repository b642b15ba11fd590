using System.Runtime.InteropServices;

namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>
/// One packet of a native burst, laid out as the shim's struct nx_op. For MACs <see cref="Aad"/> is the appended part
/// (ESN high bits) and <see cref="Tag"/> the ICV.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeOp
{
    public byte* Iv;
    public byte* Aad;
    public ulong AadLength;
    public byte* Data;
    public ulong Length;
    public byte* Tag;
    public NativeStatus Status;
    private readonly int _reserved;
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>
/// The C shim (libnetipsec_ipsecmb.so, built next to this assembly from native/ipsecmb) and through it
/// intel-ipsec-mb: loaded once, its exports held as unmanaged function pointers so calls cost no marshalling.
/// </summary>
/// <remarks>
/// Loading never throws: when the shim is missing (not built: no gcc or header), the library cannot be loaded, its
/// version does not match the header the shim was built with, or the CPU lacks AES-NI, <see cref="IsLoaded"/> is
/// false and <see cref="UnavailableReason"/> says why.
/// </remarks>
internal static unsafe class NativeShim
{
    /// <summary>The file name of the shim in the output folder.</summary>
    public const string FileName = "libnetipsec_ipsecmb.so";

    // nx_imb_init's answer (IMB_ARCH) for each architecture it accepts.
    private static readonly string[] Architectures = ["none", "no-aesni", "sse", "avx", "avx2", "avx512"];

    static NativeShim()
    {
        if (!OperatingSystem.IsLinux())
        {
            UnavailableReason = "intel-ipsec-mb is only used on Linux";
            return;
        }

        string path = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(path))
        {
            path = Path.Combine(Path.GetDirectoryName(typeof(NativeShim).Assembly.Location) ?? string.Empty, FileName);
        }

        if (!NativeLibrary.TryLoad(path, out IntPtr library))
        {
            UnavailableReason = File.Exists(path)
                ? $"{FileName} could not be loaded (is libIPSec_MB.so.1 installed?)"
                : $"{FileName} was not built (gcc or intel-ipsec-mb.h was missing at build time)";
            return;
        }

        if (!TryExport(library, "nx_imb_init", out IntPtr init)
            || !TryExport(library, "nx_imb_version", out IntPtr version)
            || !TryExport(library, "nx_imb_key_size", out IntPtr keySize)
            || !TryExport(library, "nx_imb_key_alignment", out IntPtr keyAlignment)
            || !TryExport(library, "nx_imb_key_init", out IntPtr keyInit)
            || !TryExport(library, "nx_imb_one", out IntPtr one)
            || !TryExport(library, "nx_imb_burst", out IntPtr burst)
            || !TryExport(library, "nx_imb_hmac_key", out IntPtr hmacKey))
        {
            UnavailableReason = $"{FileName} lacks an export; rebuild it";
            return;
        }

        int architecture = ((delegate* unmanaged<int>)init)();
        if (architecture < 0)
        {
            UnavailableReason = architecture switch
            {
                -2 => "the installed intel-ipsec-mb is not the version the shim was built against",
                -3 => "the CPU lacks AES-NI (the library would only emulate it)",
                _ => "intel-ipsec-mb could not allocate its manager",
            };
            return;
        }

        Architecture = architecture < Architectures.Length ? Architectures[architecture] : architecture.ToString(System.Globalization.CultureInfo.InvariantCulture);
        LibraryVersion = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)version)()) ?? "unknown";
        KeySize = ((delegate* unmanaged<uint>)keySize)();
        KeyAlignment = ((delegate* unmanaged<uint>)keyAlignment)();
        KeyInit = (delegate* unmanaged<void*, NativePrimitive, byte*, uint, byte*, uint, uint, NativeStatus>)keyInit;
        One = (delegate* unmanaged<void*, int, byte*, byte*, ulong, byte*, ulong, byte*, NativeStatus>)one;
        OneQuick = (delegate* unmanaged[SuppressGCTransition]<void*, int, byte*, byte*, ulong, byte*, ulong, byte*, NativeStatus>)one;
        Burst = (delegate* unmanaged<void*, int, NativeOp*, uint, uint>)burst;
        HmacKey = (delegate* unmanaged<void*, byte*, uint, uint>)hmacKey;
        IsLoaded = true;
    }

    /// <summary>True when the shim and the library loaded and the CPU runs them.</summary>
    public static bool IsLoaded { get; }

    /// <summary>Why the shim is not loaded; null when it is.</summary>
    public static string? UnavailableReason { get; }

    /// <summary>The code path the library picked for this CPU ("sse", "avx", "avx2", "avx512").</summary>
    public static string Architecture { get; } = "none";

    /// <summary>The library's version string, e.g. "1.3.0".</summary>
    public static string LibraryVersion { get; } = "none";

    /// <summary>Bytes of one native key (struct nx_key).</summary>
    public static nuint KeySize { get; }

    /// <summary>The alignment a native key needs.</summary>
    public static nuint KeyAlignment { get; }

    /// <summary>nx_imb_key_init(key, primitive, key bytes, key length, salt, salt length, tag length).</summary>
    public static delegate* unmanaged<void*, NativePrimitive, byte*, uint, byte*, uint, uint, NativeStatus> KeyInit { get; }

    /// <summary>
    /// The most data (payload plus AAD or appended bytes) <see cref="Call"/> hands over without the GC transition for
    /// the AES modes, ChaCha20-Poly1305 and HMAC-SHA-1/256: about a microsecond of work, at most a few for serial CBC
    /// encryption; every packet of a 1500-byte link fits.
    /// </summary>
    public const ulong QuickLimit = 2048;

    /// <summary>The same bound for the slower MACs (HMAC-SHA-384/512, HMAC-MD5, AES-XCBC, AES-CMAC).</summary>
    public const ulong SlowMacQuickLimit = 512;

    // Set once a thread's first call went through the transition: that call builds the shim's per-thread state
    // (allocations, page faults), which must not run while the collector is held off.
    [ThreadStatic]
    private static bool t_threadReady;

    /// <summary>nx_imb_one(key, forward, iv, aad or appended, its length, data, length, tag or ICV).</summary>
    private static delegate* unmanaged<void*, int, byte*, byte*, ulong, byte*, ulong, byte*, NativeStatus> One { get; }

    /// <summary>
    /// <see cref="One"/> without the transition to preemptive mode and back, which costs more than sealing a small
    /// packet: only for calls short enough not to hold up a garbage collection (see <see cref="Call"/>).
    /// </summary>
    private static delegate* unmanaged[SuppressGCTransition]<void*, int, byte*, byte*, ulong, byte*, ulong, byte*, NativeStatus> OneQuick { get; }

    /// <summary>
    /// One operation through <see cref="OneQuick"/> when it holds at most <paramref name="quickLimit"/> bytes (the key's
    /// bound: <see cref="QuickLimit"/>, <see cref="SlowMacQuickLimit"/>, or 0 for DES and 3DES, which are too slow
    /// for it) and the thread has called before, else through <see cref="One"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static NativeStatus Call(ulong quickLimit, void* key, int forward, byte* iv, byte* aad, ulong aadLength, byte* data, ulong length, byte* tag) =>
        length + aadLength <= quickLimit && t_threadReady
            ? OneQuick(key, forward, iv, aad, aadLength, data, length, tag)
            : CallWithTransition(key, forward, iv, aad, aadLength, data, length, tag);

    // Out of line: a method holding an ordinary unmanaged call sets up a transition frame on every entry, even when
    // that call is not taken, which would cost the short path what it saves.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static NativeStatus CallWithTransition(void* key, int forward, byte* iv, byte* aad, ulong aadLength, byte* data, ulong length, byte* tag)
    {
        NativeStatus status = One(key, forward, iv, aad, aadLength, data, length, tag);
        t_threadReady = true;
        return status;
    }

    /// <summary>nx_imb_burst(key, forward, ops, count): returns how many succeeded, each op's status written.</summary>
    public static delegate* unmanaged<void*, int, NativeOp*, uint, uint> Burst { get; }

    /// <summary>nx_imb_hmac_key(key, destination, capacity): copies an HMAC key out, returns its length.</summary>
    public static delegate* unmanaged<void*, byte*, uint, uint> HmacKey { get; }

    private static bool TryExport(IntPtr library, string name, out IntPtr address) =>
        NativeLibrary.TryGetExport(library, name, out address);
}

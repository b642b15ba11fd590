using System.Runtime.InteropServices;

namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>
/// One SA's native key schedule (struct nx_key: expanded AES keys, GCM hash keys, HMAC ipad/opad states, XCBC
/// k1/k2/k3, CMAC subkeys, DES schedules, salt) in aligned native memory the garbage collector never moves or copies.
/// </summary>
/// <remarks>
/// The schedule is only read after preparation, so any number of calls may use it at once: each brackets its use with
/// <see cref="TryEnter"/> and <see cref="Exit"/>, which count calls in flight without a lock. <see cref="Dispose"/>
/// refuses new calls, waits for those in flight, then zeroes and frees the memory. A key nobody disposed is wiped
/// and freed by the finalizer.
/// </remarks>
internal sealed unsafe class NativeKeySchedule : IDisposable
{
    private void* _memory;
    private int _active;
    private int _disposed;

    private NativeKeySchedule(void* memory) => _memory = memory;

    ~NativeKeySchedule() => Release();

    /// <summary>Prepares a schedule; <see cref="NativeStatus.Invalid"/> when the shim refuses a length.</summary>
    public static NativeStatus TryCreate(NativePrimitive primitive, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt, int tagLength, out NativeKeySchedule? schedule)
    {
        schedule = null;
        void* memory = NativeMemory.AlignedAlloc(NativeShim.KeySize, NativeShim.KeyAlignment);
        NativeStatus status;
        fixed (byte* keyBytes = key)
        fixed (byte* saltBytes = salt)
        {
            status = NativeShim.KeyInit(memory, primitive, keyBytes, (uint)key.Length, saltBytes, (uint)salt.Length, (uint)tagLength);
        }

        if (status != NativeStatus.Ok)
        {
            NativeMemory.Clear(memory, NativeShim.KeySize);
            NativeMemory.AlignedFree(memory);
            return status;
        }

        schedule = new NativeKeySchedule(memory);
        return NativeStatus.Ok;
    }

    /// <summary>Admits one call and hands out the schedule; false once disposal has begun.</summary>
    public bool TryEnter(out void* schedule)
    {
        Interlocked.Increment(ref _active);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Decrement(ref _active);
            schedule = null;
            return false;
        }

        schedule = _memory;
        return true;
    }

    /// <summary>Ends a call admitted by <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref _active);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var wait = default(SpinWait);
        while (Volatile.Read(ref _active) != 0)
        {
            wait.SpinOnce();
        }

        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (_memory is null)
        {
            return;
        }

        NativeMemory.Clear(_memory, NativeShim.KeySize);
        NativeMemory.AlignedFree(_memory);
        _memory = null;
    }
}

using System.Buffers;
using System.Runtime.CompilerServices;

namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>
/// What every key of the <see cref="IntelIpsecMbEngine"/> shares: the native schedule, one call into the shim per
/// packet, and bursts handed to the shim in chunks (the job API's multi-buffer lanes then work on several packets
/// at once).
/// </summary>
/// <remarks>
/// Calls on one key run in parallel (the schedule is read-only); <see cref="Dispose"/> waits for those in flight.
/// Nothing is allocated per call: spans are pinned with <c>fixed</c>, burst memories with pins kept on the stack.
/// </remarks>
internal abstract unsafe class IntelIpsecMbKey : ICryptoKey
{
    /// <summary>Jobs pinned and handed to the shim at a time.</summary>
    private protected const int Chunk = 32;

    private readonly NativeKeySchedule _schedule;

    // The most bytes one call may take without the GC transition (NativeShim.Call): DES and 3DES run at tens of
    // megabytes a second, too slow for any; the SHA-512-based, MD5 and AES-based MACs take a smaller bound.
    private readonly ulong _quickLimit;

    private protected IntelIpsecMbKey(AlgorithmInfo algorithm, NativeKeySchedule schedule)
    {
        Algorithm = algorithm;
        _schedule = schedule;
        _quickLimit = algorithm.Primitive switch
        {
            CryptoPrimitive.DesCbc or CryptoPrimitive.TripleDesCbc => 0,
            CryptoPrimitive.HmacSha384 or CryptoPrimitive.HmacSha512 or CryptoPrimitive.HmacMd5 or CryptoPrimitive.AesXcbcMac or CryptoPrimitive.AesCmac
                => NativeShim.SlowMacQuickLimit,
            _ => NativeShim.QuickLimit,
        };
    }

    public AlgorithmInfo Algorithm { get; }

    public string EngineName => IntelIpsecMbEngine.EngineName;

    public void Dispose() => _schedule.Dispose();

    /// <summary>
    /// One packet through the shim: <see cref="CryptoStatus.Disposed"/> first, then
    /// <see cref="CryptoStatus.InvalidLength"/> when <paramref name="lengthsValid"/> is false, else the shim's answer.
    /// </summary>
    /// <param name="forward">Seal, encrypt or compute; false for open, decrypt or verify.</param>
    private protected CryptoStatus Run(
        bool forward, bool lengthsValid, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> data, ReadOnlySpan<byte> tag)
    {
        if (!_schedule.TryEnter(out void* key))
        {
            return CryptoStatus.Disposed;
        }

        try
        {
            if (!lengthsValid)
            {
                return CryptoStatus.InvalidLength;
            }

            fixed (byte* ivBytes = iv)
            fixed (byte* aadBytes = aad)
            fixed (byte* dataBytes = data)
            fixed (byte* tagBytes = tag)
            {
                return ToCryptoStatus(NativeShim.Call(_quickLimit, key, forward ? 1 : 0, ivBytes, aadBytes, (ulong)aad.Length, dataBytes, (ulong)data.Length, tagBytes));
            }
        }
        finally
        {
            _schedule.Exit();
        }
    }

    /// <summary>
    /// Copies an HMAC key out of the schedule into <paramref name="destination"/> (at least one hash block);
    /// <see cref="CryptoStatus.Disposed"/> once disposal has begun.
    /// </summary>
    private protected CryptoStatus ReadHmacKey(Span<byte> destination, out int length)
    {
        length = 0;
        if (!_schedule.TryEnter(out void* key))
        {
            return CryptoStatus.Disposed;
        }

        try
        {
            fixed (byte* bytes = destination)
            {
                length = (int)NativeShim.HmacKey(key, bytes, (uint)destination.Length);
            }

            return CryptoStatus.Ok;
        }
        finally
        {
            _schedule.Exit();
        }
    }

    /// <summary>
    /// Runs a burst: <paramref name="describe"/> checks a job's lengths and fills its op from memories it pins (false:
    /// <see cref="CryptoStatus.InvalidLength"/>, the job is left out); the shim runs each chunk of valid jobs at once.
    /// A static function, not a delegate, so no closure is allocated per burst.
    /// </summary>
    private protected int RunBurst<TJob>(
        bool forward, ReadOnlySpan<TJob> jobs, Span<CryptoStatus> results, delegate*<IntelIpsecMbKey, in TJob, ref NativeOp, ref Pinner, bool> describe)
    {
        if (results.Length < jobs.Length)
        {
            throw new ArgumentException("There must be one result per job.", nameof(results));
        }

        if (!_schedule.TryEnter(out void* key))
        {
            results[..jobs.Length].Fill(CryptoStatus.Disposed);
            return 0;
        }

        int succeeded = 0;
        try
        {
            Span<NativeOp> ops = stackalloc NativeOp[Chunk];
            Span<int> jobOfOp = stackalloc int[Chunk];
            var pinner = default(Pinner);
            for (int start = 0; start < jobs.Length; start += Chunk)
            {
                int end = Math.Min(jobs.Length, start + Chunk);
                int count = 0;
                for (int i = start; i < end; i++)
                {
                    if (describe(this, jobs[i], ref ops[count], ref pinner))
                    {
                        jobOfOp[count++] = i;
                    }
                    else
                    {
                        results[i] = CryptoStatus.InvalidLength;
                    }
                }

                try
                {
                    fixed (NativeOp* first = ops)
                    {
                        succeeded += (int)NativeShim.Burst(key, forward ? 1 : 0, first, (uint)count);
                    }
                }
                finally
                {
                    pinner.UnpinAll();
                }

                for (int op = 0; op < count; op++)
                {
                    results[jobOfOp[op]] = ToCryptoStatus(ops[op].Status);
                }
            }
        }
        finally
        {
            _schedule.Exit();
        }

        return succeeded;
    }

    // The shim's Error (the library refused a job it should have taken) has no CryptoStatus of its own; like a bad
    // length it means the packet could not be processed.
    private static CryptoStatus ToCryptoStatus(NativeStatus status) => status switch
    {
        NativeStatus.Ok => CryptoStatus.Ok,
        NativeStatus.AuthenticationFailed => CryptoStatus.AuthenticationFailed,
        _ => CryptoStatus.InvalidLength,
    };

    /// <summary>Room for the pins of one chunk: at most four memories per job.</summary>
    [InlineArray(Chunk * 4)]
    private protected struct Pins
    {
        private MemoryHandle _element;
    }

    /// <summary>Pins the memories of one chunk's jobs and releases them together.</summary>
    private protected ref struct Pinner
    {
        private Pins _pins;
        private int _count;

        /// <summary>Pins <paramref name="memory"/> until <see cref="UnpinAll"/>; null for empty memory.</summary>
        public byte* Pin(ReadOnlyMemory<byte> memory)
        {
            if (memory.IsEmpty)
            {
                return null;
            }

            MemoryHandle handle = memory.Pin();
            _pins[_count++] = handle;
            return (byte*)handle.Pointer;
        }

        public void UnpinAll()
        {
            for (int i = 0; i < _count; i++)
            {
                _pins[i].Dispose();
                _pins[i] = default;
            }

            _count = 0;
        }
    }
}

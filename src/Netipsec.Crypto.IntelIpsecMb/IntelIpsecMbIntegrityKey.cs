using System.Security.Cryptography;

namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>
/// HMAC-MD5/SHA-1/SHA-2 (ipad/opad hash states prepared once, RFC 2104 §4), AES-XCBC-MAC (k1/k2/k3 derived once,
/// RFC 3566 §4) and AES-CMAC (subkeys derived once, RFC 4493 §2.3) on intel-ipsec-mb's job API, which writes the
/// ICV truncated to the table's length; verification compares in constant time in the shim.
/// </summary>
/// <remarks>
/// <para>The job API hashes one contiguous buffer, so data with appended bytes (ESN) is joined in a per-thread native
/// buffer first.</para>
/// <para>The library's HMAC jobs refuse an empty message, which IPsec never MACs (ESP and AH always cover their
/// headers); for completeness that case runs on .NET's one-shot HMAC with the key copied out for the call.</para>
/// </remarks>
internal sealed unsafe class IntelIpsecMbIntegrityKey : IntelIpsecMbKey, IIntegrityKey
{
    // The largest HMAC key the schedule keeps (one SHA-512 block) and the largest full MAC (SHA-512).
    private const int MaxHmacKey = 128;
    private const int MaxMac = 64;

    private readonly bool _isHmac;

    public IntelIpsecMbIntegrityKey(AlgorithmInfo algorithm, NativeKeySchedule schedule)
        : base(algorithm, schedule) => _isHmac = algorithm.Primitive
            is CryptoPrimitive.HmacMd5 or CryptoPrimitive.HmacSha1 or CryptoPrimitive.HmacSha256 or CryptoPrimitive.HmacSha384 or CryptoPrimitive.HmacSha512;

    public int IcvLength => Algorithm.IcvLength;

    public CryptoStatus Compute(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> icv) =>
        _isHmac && data.IsEmpty && appended.IsEmpty
            ? EmptyMessageHmac(icv, icv, verify: false)
            : Run(forward: true, icv.Length == IcvLength, default, appended, data, icv);

    public CryptoStatus Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, ReadOnlySpan<byte> icv) =>
        _isHmac && data.IsEmpty && appended.IsEmpty
            ? EmptyMessageHmac(icv, default, verify: true)
            : Run(forward: false, icv.Length == IcvLength, default, appended, data, icv);

    public int ComputeBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results) =>
        RedoEmptyHmacMessages(RunBurst(forward: true, jobs, results, &Describe), jobs, results, verify: false);

    public int VerifyBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results) =>
        RedoEmptyHmacMessages(RunBurst(forward: false, jobs, results, &Describe), jobs, results, verify: true);

    private static bool Describe(IntelIpsecMbKey key, in IntegrityJob job, ref NativeOp op, ref Pinner pinner)
    {
        var self = (IntelIpsecMbIntegrityKey)key;
        if (job.Icv.Length != self.IcvLength || self.IsEmptyHmacMessage(job))
        {
            return false; // an empty HMAC message is redone afterwards, the single-call way
        }

        op.Iv = null;
        op.Aad = pinner.Pin(job.Appended);
        op.AadLength = (ulong)job.Appended.Length;
        op.Data = pinner.Pin(job.Data);
        op.Length = (ulong)job.Data.Length;
        op.Tag = pinner.Pin(job.Icv);
        return true;
    }

    private bool IsEmptyHmacMessage(in IntegrityJob job) => _isHmac && job.Data.IsEmpty && job.Appended.IsEmpty;

    private int RedoEmptyHmacMessages(int succeeded, ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results, bool verify)
    {
        for (int i = 0; i < jobs.Length; i++)
        {
            if (results[i] != CryptoStatus.Disposed && IsEmptyHmacMessage(jobs[i]))
            {
                results[i] = verify ? Verify(default, default, jobs[i].Icv.Span) : Compute(default, default, jobs[i].Icv.Span);
                succeeded += results[i] == CryptoStatus.Ok ? 1 : 0;
            }
        }

        return succeeded;
    }

    private CryptoStatus EmptyMessageHmac(ReadOnlySpan<byte> expected, Span<byte> output, bool verify)
    {
        Span<byte> key = stackalloc byte[MaxHmacKey];
        Span<byte> mac = stackalloc byte[MaxMac];
        CryptoStatus status = ReadHmacKey(key, out int keyLength);
        if (status != CryptoStatus.Ok || expected.Length != IcvLength)
        {
            CryptographicOperations.ZeroMemory(key);
            return status != CryptoStatus.Ok ? status : CryptoStatus.InvalidLength;
        }

        ReadOnlySpan<byte> hmacKey = key[..keyLength];
        int macLength = Algorithm.Primitive switch
        {
#pragma warning disable CA5350, CA5351 // HMAC-MD5 and HMAC-SHA1 are IPsec algorithms (RFC 2403, RFC 2404).
            CryptoPrimitive.HmacMd5 => HMACMD5.HashData(hmacKey, ReadOnlySpan<byte>.Empty, mac),
            CryptoPrimitive.HmacSha1 => HMACSHA1.HashData(hmacKey, ReadOnlySpan<byte>.Empty, mac),
#pragma warning restore CA5350, CA5351
            CryptoPrimitive.HmacSha256 => HMACSHA256.HashData(hmacKey, ReadOnlySpan<byte>.Empty, mac),
            CryptoPrimitive.HmacSha384 => HMACSHA384.HashData(hmacKey, ReadOnlySpan<byte>.Empty, mac),
            _ => HMACSHA512.HashData(hmacKey, ReadOnlySpan<byte>.Empty, mac),
        };
        CryptographicOperations.ZeroMemory(key);
        Span<byte> icv = mac[..Math.Min(macLength, IcvLength)];
        status = verify
            ? (CryptographicOperations.FixedTimeEquals(icv, expected) ? CryptoStatus.Ok : CryptoStatus.AuthenticationFailed)
            : CryptoStatus.Ok;
        if (!verify)
        {
            icv.CopyTo(output);
        }

        CryptographicOperations.ZeroMemory(mac);
        return status;
    }
}

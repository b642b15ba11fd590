using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>
/// The shape every portable MAC shares: the full MAC goes to a stack buffer, its leftmost <see cref="IcvLength"/>
/// bytes are the ICV (RFC 2104 §5), and verification compares in constant time.
/// </summary>
internal abstract class PortableIntegrityKey : PortableKey, IIntegrityKey
{
    // HMAC-SHA-512's 64 bytes is the longest full MAC.
    private const int MaxMacLength = 64;

    private protected PortableIntegrityKey(AlgorithmInfo algorithm)
        : base(algorithm)
    {
    }

    public int IcvLength => Algorithm.IcvLength;

    public CryptoStatus Compute(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> icv)
    {
        using (Sync.EnterScope())
        {
            return ComputeLocked(data, appended, icv);
        }
    }

    public CryptoStatus Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, ReadOnlySpan<byte> icv)
    {
        using (Sync.EnterScope())
        {
            return VerifyLocked(data, appended, icv);
        }
    }

    public int ComputeBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results) => RunBurst(jobs, results, new BurstStep(this, verify: false));

    public int VerifyBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results) => RunBurst(jobs, results, new BurstStep(this, verify: true));

    /// <summary>Writes the full, untruncated MAC of <paramref name="data"/> || <paramref name="appended"/> to the start of <paramref name="mac"/>.</summary>
    private protected abstract void MacCore(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> mac);

    private CryptoStatus ComputeLocked(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> icv)
    {
        CryptoStatus status = CheckCall(icv.Length);
        if (status != CryptoStatus.Ok)
        {
            return status;
        }

        Span<byte> mac = stackalloc byte[MaxMacLength];
        MacCore(data, appended, mac);
        mac[..IcvLength].CopyTo(icv);
        CryptographicOperations.ZeroMemory(mac);
        return CryptoStatus.Ok;
    }

    private CryptoStatus VerifyLocked(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, ReadOnlySpan<byte> icv)
    {
        CryptoStatus status = CheckCall(icv.Length);
        if (status != CryptoStatus.Ok)
        {
            return status;
        }

        Span<byte> mac = stackalloc byte[MaxMacLength];
        MacCore(data, appended, mac);
        bool authentic = CryptographicOperations.FixedTimeEquals(mac[..IcvLength], icv);
        CryptographicOperations.ZeroMemory(mac);
        return authentic ? CryptoStatus.Ok : CryptoStatus.AuthenticationFailed;
    }

    /// <summary>What Compute and Verify refuse alike: a disposed key, an ICV of the wrong length.</summary>
    private CryptoStatus CheckCall(int icvLength)
    {
        if (IsDisposed)
        {
            return CryptoStatus.Disposed;
        }

        return icvLength != IcvLength ? CryptoStatus.InvalidLength : CryptoStatus.Ok;
    }

    private readonly struct BurstStep(PortableIntegrityKey key, bool verify) : IBurstStep<IntegrityJob>
    {
        public CryptoStatus RunLocked(in IntegrityJob job) => verify
            ? key.VerifyLocked(job.Data.Span, job.Appended.Span, job.Icv.Span)
            : key.ComputeLocked(job.Data.Span, job.Appended.Span, job.Icv.Span);
    }
}

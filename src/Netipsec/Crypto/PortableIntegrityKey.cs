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

    public int ComputeBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results)
    {
        CheckResultsLength(jobs.Length, results.Length);
        int succeeded = 0;
        using (Sync.EnterScope())
        {
            for (int i = 0; i < jobs.Length; i++)
            {
                results[i] = ComputeLocked(jobs[i].Data.Span, jobs[i].Appended.Span, jobs[i].Icv.Span);
                succeeded += results[i] == CryptoStatus.Ok ? 1 : 0;
            }
        }

        return succeeded;
    }

    public int VerifyBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results)
    {
        CheckResultsLength(jobs.Length, results.Length);
        int succeeded = 0;
        using (Sync.EnterScope())
        {
            for (int i = 0; i < jobs.Length; i++)
            {
                results[i] = VerifyLocked(jobs[i].Data.Span, jobs[i].Appended.Span, jobs[i].Icv.Span);
                succeeded += results[i] == CryptoStatus.Ok ? 1 : 0;
            }
        }

        return succeeded;
    }

    /// <summary>Writes the full, untruncated MAC of <paramref name="data"/> || <paramref name="appended"/> to the start of <paramref name="mac"/>.</summary>
    private protected abstract void MacCore(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> mac);

    private CryptoStatus ComputeLocked(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> icv)
    {
        if (IsDisposed)
        {
            return CryptoStatus.Disposed;
        }

        if (icv.Length != IcvLength)
        {
            return CryptoStatus.InvalidLength;
        }

        Span<byte> mac = stackalloc byte[MaxMacLength];
        MacCore(data, appended, mac);
        mac[..IcvLength].CopyTo(icv);
        CryptographicOperations.ZeroMemory(mac);
        return CryptoStatus.Ok;
    }

    private CryptoStatus VerifyLocked(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, ReadOnlySpan<byte> icv)
    {
        if (IsDisposed)
        {
            return CryptoStatus.Disposed;
        }

        if (icv.Length != IcvLength)
        {
            return CryptoStatus.InvalidLength;
        }

        Span<byte> mac = stackalloc byte[MaxMacLength];
        MacCore(data, appended, mac);
        bool authentic = CryptographicOperations.FixedTimeEquals(mac[..IcvLength], icv);
        CryptographicOperations.ZeroMemory(mac);
        return authentic ? CryptoStatus.Ok : CryptoStatus.AuthenticationFailed;
    }
}

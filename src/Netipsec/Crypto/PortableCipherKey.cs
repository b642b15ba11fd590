namespace Netipsec.Crypto;

/// <summary>The shape every portable cipher shares: length checks, the lock, bursts under one lock.</summary>
internal abstract class PortableCipherKey : PortableKey, ICipherKey
{
    private protected PortableCipherKey(AlgorithmInfo algorithm)
        : base(algorithm)
    {
    }

    public int IvLength => Algorithm.IvLength;

    public int BlockSize => Algorithm.BlockSize;

    public CryptoStatus Encrypt(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        using (Sync.EnterScope())
        {
            return TransformLocked(iv, data, encrypt: true);
        }
    }

    public CryptoStatus Decrypt(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        using (Sync.EnterScope())
        {
            return TransformLocked(iv, data, encrypt: false);
        }
    }

    public int EncryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results) => TransformBurst(jobs, results, encrypt: true);

    public int DecryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results) => TransformBurst(jobs, results, encrypt: false);

    /// <summary>Encrypts <paramref name="data"/> (a whole number of blocks, IV of the right length) in place.</summary>
    private protected abstract void EncryptCore(ReadOnlySpan<byte> iv, Span<byte> data);

    /// <summary>Decrypts <paramref name="data"/> (a whole number of blocks, IV of the right length) in place.</summary>
    private protected abstract void DecryptCore(ReadOnlySpan<byte> iv, Span<byte> data);

    private int TransformBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results, bool encrypt)
    {
        CheckResultsLength(jobs.Length, results.Length);
        int succeeded = 0;
        using (Sync.EnterScope())
        {
            for (int i = 0; i < jobs.Length; i++)
            {
                results[i] = TransformLocked(jobs[i].Iv.Span, jobs[i].Data.Span, encrypt);
                succeeded += results[i] == CryptoStatus.Ok ? 1 : 0;
            }
        }

        return succeeded;
    }

    private CryptoStatus TransformLocked(ReadOnlySpan<byte> iv, Span<byte> data, bool encrypt)
    {
        if (IsDisposed)
        {
            return CryptoStatus.Disposed;
        }

        if (iv.Length != IvLength || data.Length % BlockSize != 0)
        {
            return CryptoStatus.InvalidLength;
        }

        if (encrypt)
        {
            EncryptCore(iv, data);
        }
        else
        {
            DecryptCore(iv, data);
        }

        return CryptoStatus.Ok;
    }
}

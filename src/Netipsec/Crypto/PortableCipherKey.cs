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

    public int EncryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results) => RunBurst(jobs, results, new BurstStep(this, encrypt: true));

    public int DecryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results) => RunBurst(jobs, results, new BurstStep(this, encrypt: false));

    /// <summary>Encrypts <paramref name="data"/> (a whole number of blocks, IV of the right length) in place.</summary>
    private protected abstract void EncryptCore(ReadOnlySpan<byte> iv, Span<byte> data);

    /// <summary>Decrypts <paramref name="data"/> (a whole number of blocks, IV of the right length) in place.</summary>
    private protected abstract void DecryptCore(ReadOnlySpan<byte> iv, Span<byte> data);

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

    private readonly struct BurstStep(PortableCipherKey key, bool encrypt) : IBurstStep<CipherJob>
    {
        public CryptoStatus RunLocked(in CipherJob job) => key.TransformLocked(job.Iv.Span, job.Data.Span, encrypt);
    }
}

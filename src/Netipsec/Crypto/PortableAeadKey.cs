using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>
/// The shape every portable AEAD shares: checks lengths, builds the nonce salt || explicit IV on the stack and hands
/// it to the primitive; bursts take the key's lock once.
/// </summary>
internal abstract class PortableAeadKey : PortableKey, IAeadKey
{
    private const int ExplicitIvLength = 8;
    private const int MaxNonceLength = 12;

    private readonly byte[] _salt;

    private protected PortableAeadKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> salt)
        : base(algorithm)
    {
        _salt = salt.ToArray();
        TagLength = algorithm.IcvLength;
    }

    public int IvLength => ExplicitIvLength;

    public int TagLength { get; }

    public CryptoStatus Seal(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> tag)
    {
        using (Sync.EnterScope())
        {
            return SealLocked(iv, associatedData, data, tag);
        }
    }

    public CryptoStatus Open(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        using (Sync.EnterScope())
        {
            return OpenLocked(iv, associatedData, data, tag);
        }
    }

    public int SealBurst(ReadOnlySpan<AeadJob> jobs, Span<CryptoStatus> results)
    {
        CheckResultsLength(jobs.Length, results.Length);
        int succeeded = 0;
        using (Sync.EnterScope())
        {
            for (int i = 0; i < jobs.Length; i++)
            {
                AeadJob job = jobs[i];
                results[i] = SealLocked(job.Iv.Span, job.AssociatedData.Span, job.Data.Span, job.Tag.Span);
                succeeded += results[i] == CryptoStatus.Ok ? 1 : 0;
            }
        }

        return succeeded;
    }

    public int OpenBurst(ReadOnlySpan<AeadJob> jobs, Span<CryptoStatus> results)
    {
        CheckResultsLength(jobs.Length, results.Length);
        int succeeded = 0;
        using (Sync.EnterScope())
        {
            for (int i = 0; i < jobs.Length; i++)
            {
                AeadJob job = jobs[i];
                results[i] = OpenLocked(job.Iv.Span, job.AssociatedData.Span, job.Data.Span, job.Tag.Span);
                succeeded += results[i] == CryptoStatus.Ok ? 1 : 0;
            }
        }

        return succeeded;
    }

    /// <summary>Encrypts <paramref name="data"/> in place (or only authenticates it, GMAC) and writes the tag.</summary>
    private protected abstract void SealCore(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> tag);

    /// <summary>Verifies the tag and decrypts in place; false on a mismatch.</summary>
    private protected abstract bool OpenCore(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> tag);

    /// <summary>Frees the primitive (OpenSSL/CNG clear its key schedule).</summary>
    private protected abstract void ReleasePrimitive();

    private protected sealed override void ReleaseKey()
    {
        CryptographicOperations.ZeroMemory(_salt);
        ReleasePrimitive();
    }

    private CryptoStatus SealLocked(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> tag)
    {
        if (IsDisposed)
        {
            return CryptoStatus.Disposed;
        }

        if (iv.Length != ExplicitIvLength || tag.Length != TagLength)
        {
            return CryptoStatus.InvalidLength;
        }

        Span<byte> nonce = stackalloc byte[MaxNonceLength];
        nonce = BuildNonce(iv, nonce);
        SealCore(nonce, associatedData, data, tag);
        nonce.Clear();
        return CryptoStatus.Ok;
    }

    private CryptoStatus OpenLocked(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        if (IsDisposed)
        {
            return CryptoStatus.Disposed;
        }

        if (iv.Length != ExplicitIvLength || tag.Length != TagLength)
        {
            return CryptoStatus.InvalidLength;
        }

        Span<byte> nonce = stackalloc byte[MaxNonceLength];
        nonce = BuildNonce(iv, nonce);
        bool authentic = OpenCore(nonce, associatedData, data, tag);
        nonce.Clear();
        return authentic ? CryptoStatus.Ok : CryptoStatus.AuthenticationFailed;
    }

    // RFC 4106 §4, RFC 7634 §2, RFC 4543 §3.1: salt(4) || IV(8); RFC 4309 §4: salt(3) || IV(8).
    private Span<byte> BuildNonce(ReadOnlySpan<byte> iv, Span<byte> buffer)
    {
        _salt.CopyTo(buffer);
        iv.CopyTo(buffer[_salt.Length..]);
        return buffer[..(_salt.Length + ExplicitIvLength)];
    }
}

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

    public int SealBurst(ReadOnlySpan<AeadJob> jobs, Span<CryptoStatus> results) => RunBurst(jobs, results, new BurstStep(this, open: false));

    public int OpenBurst(ReadOnlySpan<AeadJob> jobs, Span<CryptoStatus> results) => RunBurst(jobs, results, new BurstStep(this, open: true));

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
        CryptoStatus status = CheckCall(iv, tag.Length);
        if (status != CryptoStatus.Ok)
        {
            return status;
        }

        Span<byte> nonce = BuildNonce(iv, stackalloc byte[MaxNonceLength]);
        SealCore(nonce, associatedData, data, tag);
        nonce.Clear();
        return CryptoStatus.Ok;
    }

    private CryptoStatus OpenLocked(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        CryptoStatus status = CheckCall(iv, tag.Length);
        if (status != CryptoStatus.Ok)
        {
            return status;
        }

        Span<byte> nonce = BuildNonce(iv, stackalloc byte[MaxNonceLength]);
        bool authentic = OpenCore(nonce, associatedData, data, tag);
        nonce.Clear();
        return authentic ? CryptoStatus.Ok : CryptoStatus.AuthenticationFailed;
    }

    /// <summary>What Seal and Open refuse alike: a disposed key, an IV or tag of the wrong length.</summary>
    private CryptoStatus CheckCall(ReadOnlySpan<byte> iv, int tagLength)
    {
        if (IsDisposed)
        {
            return CryptoStatus.Disposed;
        }

        return iv.Length != ExplicitIvLength || tagLength != TagLength ? CryptoStatus.InvalidLength : CryptoStatus.Ok;
    }

    // RFC 4106 §4, RFC 7634 §2, RFC 4543 §3.1: salt(4) || IV(8); RFC 4309 §4: salt(3) || IV(8).
    private Span<byte> BuildNonce(ReadOnlySpan<byte> iv, Span<byte> buffer)
    {
        _salt.CopyTo(buffer);
        iv.CopyTo(buffer[_salt.Length..]);
        return buffer[..(_salt.Length + ExplicitIvLength)];
    }

    private readonly struct BurstStep(PortableAeadKey key, bool open) : IBurstStep<AeadJob>
    {
        public CryptoStatus RunLocked(in AeadJob job) => open
            ? key.OpenLocked(job.Iv.Span, job.AssociatedData.Span, job.Data.Span, job.Tag.Span)
            : key.SealLocked(job.Iv.Span, job.AssociatedData.Span, job.Data.Span, job.Tag.Span);
    }
}

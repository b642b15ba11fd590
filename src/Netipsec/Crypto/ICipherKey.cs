namespace Netipsec.Crypto;

/// <summary>An SA's encryption-only key (AES-CBC, AES-CTR, 3DES-CBC, DES-CBC, NULL), used with a separate integrity key.</summary>
/// <remarks>Thread-safety and disposal: see <see cref="ICryptoKey"/>. Operations allocate nothing after warm-up.</remarks>
public interface ICipherKey : ICryptoKey
{
    /// <summary>Bytes of explicit IV each call takes (16 for AES-CBC, 8 for AES-CTR and DES, 0 for NULL).</summary>
    int IvLength { get; }

    /// <summary>The data length of each call must be a multiple of this (16 or 8 for CBC, 1 for CTR and NULL).</summary>
    int BlockSize { get; }

    /// <summary>Encrypts <paramref name="data"/> in place.</summary>
    /// <returns><see cref="CryptoStatus.Ok"/>, <see cref="CryptoStatus.InvalidLength"/> (IV length or partial block) or <see cref="CryptoStatus.Disposed"/>.</returns>
    CryptoStatus Encrypt(ReadOnlySpan<byte> iv, Span<byte> data);

    /// <summary>Decrypts <paramref name="data"/> in place.</summary>
    /// <returns><see cref="CryptoStatus.Ok"/>, <see cref="CryptoStatus.InvalidLength"/> or <see cref="CryptoStatus.Disposed"/>.</returns>
    CryptoStatus Decrypt(ReadOnlySpan<byte> iv, Span<byte> data);

    /// <summary>Encrypts every job, writing each status to the same index of <paramref name="results"/>; returns how many succeeded.</summary>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="jobs"/>.</exception>
    int EncryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results);

    /// <summary>Decrypts every job, writing each status to the same index of <paramref name="results"/>; returns how many succeeded.</summary>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="jobs"/>.</exception>
    int DecryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results);
}

using Netipsec.Crypto;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>A cipher key that counts decryptions and disposal, passing everything on to a real key.</summary>
internal sealed class RecordingCipherKey(ICipherKey inner) : ICipherKey
{
    public int Decryptions { get; private set; }

    public bool Disposed { get; private set; }

    public AlgorithmInfo Algorithm => inner.Algorithm;

    public string EngineName => RecordingCryptoEngine.EngineName;

    public int IvLength => inner.IvLength;

    public int BlockSize => inner.BlockSize;

    public CryptoStatus Encrypt(ReadOnlySpan<byte> iv, Span<byte> data) => inner.Encrypt(iv, data);

    public CryptoStatus Decrypt(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        Decryptions++;
        return inner.Decrypt(iv, data);
    }

    public int EncryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results) => inner.EncryptBurst(jobs, results);

    public int DecryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results)
    {
        Decryptions += jobs.Length;
        return inner.DecryptBurst(jobs, results);
    }

    public void Dispose()
    {
        Disposed = true;
        inner.Dispose();
    }
}

namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>AES-CBC, AES-CTR (RFC 3686: the shim builds nonce || IV and the library counts from 1), DES-CBC and 3DES-CBC on intel-ipsec-mb's job API.</summary>
internal sealed unsafe class IntelIpsecMbCipherKey : IntelIpsecMbKey, ICipherKey
{
    public IntelIpsecMbCipherKey(AlgorithmInfo algorithm, NativeKeySchedule schedule)
        : base(algorithm, schedule)
    {
    }

    public int IvLength => Algorithm.IvLength;

    public int BlockSize => Algorithm.BlockSize;

    public CryptoStatus Encrypt(ReadOnlySpan<byte> iv, Span<byte> data) => Run(forward: true, AreValid(iv.Length, data.Length), iv, default, data, default);

    public CryptoStatus Decrypt(ReadOnlySpan<byte> iv, Span<byte> data) => Run(forward: false, AreValid(iv.Length, data.Length), iv, default, data, default);

    public int EncryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results) => RunBurst(forward: true, jobs, results, &Describe);

    public int DecryptBurst(ReadOnlySpan<CipherJob> jobs, Span<CryptoStatus> results) => RunBurst(forward: false, jobs, results, &Describe);

    private static bool Describe(IntelIpsecMbKey key, in CipherJob job, ref NativeOp op, ref Pinner pinner)
    {
        if (!((IntelIpsecMbCipherKey)key).AreValid(job.Iv.Length, job.Data.Length))
        {
            return false;
        }

        op.Iv = pinner.Pin(job.Iv);
        op.Aad = null;
        op.AadLength = 0;
        op.Data = pinner.Pin(job.Data);
        op.Length = (ulong)job.Data.Length;
        op.Tag = null;
        return true;
    }

    private bool AreValid(int ivLength, int dataLength) => ivLength == IvLength && dataLength % BlockSize == 0;
}

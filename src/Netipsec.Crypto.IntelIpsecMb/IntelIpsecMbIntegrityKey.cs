namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>
/// HMAC-MD5/SHA-1/SHA-2 (ipad/opad hash states prepared once, RFC 2104 §4), AES-XCBC-MAC (k1/k2/k3 derived once,
/// RFC 3566 §4) and AES-CMAC (subkeys derived once, RFC 4493 §2.3) on intel-ipsec-mb's job API, which writes the
/// ICV truncated to the table's length; verification compares in constant time in the shim.
/// </summary>
/// <remarks>The job API hashes one contiguous buffer, so data with appended bytes (ESN) is joined in a per-thread native buffer first.</remarks>
internal sealed unsafe class IntelIpsecMbIntegrityKey : IntelIpsecMbKey, IIntegrityKey
{
    public IntelIpsecMbIntegrityKey(AlgorithmInfo algorithm, NativeKeySchedule schedule)
        : base(algorithm, schedule)
    {
    }

    public int IcvLength => Algorithm.IcvLength;

    public CryptoStatus Compute(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> icv) =>
        Run(forward: true, icv.Length == IcvLength, default, appended, data, icv);

    public CryptoStatus Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, ReadOnlySpan<byte> icv) =>
        Run(forward: false, icv.Length == IcvLength, default, appended, data, icv);

    public int ComputeBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results) => RunBurst(forward: true, jobs, results, &Describe);

    public int VerifyBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results) => RunBurst(forward: false, jobs, results, &Describe);

    private static bool Describe(IntelIpsecMbKey key, in IntegrityJob job, ref NativeOp op, ref Pinner pinner)
    {
        if (job.Icv.Length != ((IntelIpsecMbIntegrityKey)key).IcvLength)
        {
            return false;
        }

        op.Iv = null;
        op.Aad = pinner.Pin(job.Appended);
        op.AadLength = (ulong)job.Appended.Length;
        op.Data = pinner.Pin(job.Data);
        op.Length = (ulong)job.Data.Length;
        op.Tag = pinner.Pin(job.Icv);
        return true;
    }
}

namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>
/// AES-GCM, AES-GMAC and ChaCha20-Poly1305 on intel-ipsec-mb's direct API, AES-CCM on its job API; the shim builds
/// the nonce salt || explicit IV (RFC 4106 §4, RFC 4543 §3.1, RFC 7634 §2, RFC 4309 §4) and compares tags in
/// constant time.
/// </summary>
internal sealed unsafe class IntelIpsecMbAeadKey : IntelIpsecMbKey, IAeadKey
{
    private const int ExplicitIvLength = 8;

    public IntelIpsecMbAeadKey(AlgorithmInfo algorithm, NativeKeySchedule schedule)
        : base(algorithm, schedule) => TagLength = algorithm.IcvLength;

    public int IvLength => ExplicitIvLength;

    public int TagLength { get; }

    public CryptoStatus Seal(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> tag) =>
        Run(forward: true, iv.Length == ExplicitIvLength && tag.Length == TagLength, iv, associatedData, data, tag);

    public CryptoStatus Open(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> tag) =>
        Run(forward: false, iv.Length == ExplicitIvLength && tag.Length == TagLength, iv, associatedData, data, tag);

    public int SealBurst(ReadOnlySpan<AeadJob> jobs, Span<CryptoStatus> results) => RunBurst(forward: true, jobs, results, &Describe);

    public int OpenBurst(ReadOnlySpan<AeadJob> jobs, Span<CryptoStatus> results) => RunBurst(forward: false, jobs, results, &Describe);

    private static bool Describe(IntelIpsecMbKey key, in AeadJob job, ref NativeOp op, ref Pinner pinner)
    {
        if (job.Iv.Length != ExplicitIvLength || job.Tag.Length != ((IntelIpsecMbAeadKey)key).TagLength)
        {
            return false;
        }

        op.Iv = pinner.Pin(job.Iv);
        op.Aad = pinner.Pin(job.AssociatedData);
        op.AadLength = (ulong)job.AssociatedData.Length;
        op.Data = pinner.Pin(job.Data);
        op.Length = (ulong)job.Data.Length;
        op.Tag = pinner.Pin(job.Tag);
        return true;
    }
}

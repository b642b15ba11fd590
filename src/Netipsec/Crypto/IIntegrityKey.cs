namespace Netipsec.Crypto;

/// <summary>
/// An SA's integrity key (HMAC-SHA1/SHA-2/MD5, AES-XCBC, AES-CMAC, NULL): the MAC over <c>data</c> followed by
/// <c>appended</c>, truncated to <see cref="IcvLength"/> bytes by keeping the leftmost bytes (RFC 2104 §5).
/// </summary>
/// <remarks>
/// Thread-safety and disposal: see <see cref="ICryptoKey"/>. Operations allocate nothing after warm-up, unless the
/// engine's primitive does (the portable engine's AES-CMAC: BouncyCastle allocates 24 bytes per MAC).
/// </remarks>
public interface IIntegrityKey : ICryptoKey
{
    /// <summary>Bytes of truncated ICV (12 for the 96-bit MACs, 16/24/32 for HMAC-SHA-256/384/512, 0 for NULL).</summary>
    int IcvLength { get; }

    /// <summary>Computes the ICV over <paramref name="data"/> || <paramref name="appended"/> into <paramref name="icv"/>.</summary>
    /// <param name="data">The covered bytes in the packet.</param>
    /// <param name="appended">Covered bytes that are not in the packet, e.g. ESN high bits (RFC 4303 §3.3.2.1); may be empty.</param>
    /// <param name="icv">Exactly <see cref="IcvLength"/> bytes.</param>
    /// <returns><see cref="CryptoStatus.Ok"/>, <see cref="CryptoStatus.InvalidLength"/> (ICV span length) or <see cref="CryptoStatus.Disposed"/>.</returns>
    CryptoStatus Compute(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> icv);

    /// <summary>Recomputes the ICV and compares it with <paramref name="icv"/> in constant time.</summary>
    /// <returns><see cref="CryptoStatus.Ok"/>, <see cref="CryptoStatus.AuthenticationFailed"/>, <see cref="CryptoStatus.InvalidLength"/> or <see cref="CryptoStatus.Disposed"/>.</returns>
    CryptoStatus Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, ReadOnlySpan<byte> icv);

    /// <summary>Computes every job's ICV, writing each status to the same index of <paramref name="results"/>; returns how many succeeded.</summary>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="jobs"/>.</exception>
    int ComputeBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results);

    /// <summary>Verifies every job's ICV, writing each status to the same index of <paramref name="results"/>; returns how many passed.</summary>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="jobs"/>.</exception>
    int VerifyBurst(ReadOnlySpan<IntegrityJob> jobs, Span<CryptoStatus> results);
}

namespace Netipsec.Crypto;

/// <summary>
/// An SA's combined-mode key (AES-GCM, AES-CCM, ChaCha20-Poly1305, AES-GMAC): the nonce is the key's salt followed by
/// the packet's explicit IV (RFC 4106 §4, RFC 4309 §4, RFC 7634 §2, RFC 4543 §3.1).
/// </summary>
/// <remarks>
/// For AES-GMAC nothing is encrypted: <c>data</c> is authenticated after <c>associatedData</c> and left as it is
/// (RFC 4543 §3.2); with empty data the tag covers <c>associatedData</c> alone (AH, RFC 4543 §4).
/// Thread-safety and disposal: see <see cref="ICryptoKey"/>. Operations allocate nothing after warm-up, unless the
/// engine's primitive does (the portable engine's AES-CCM: .NET allocates a cipher context per call).
/// </remarks>
public interface IAeadKey : ICryptoKey
{
    /// <summary>Bytes of explicit IV each call takes (8).</summary>
    int IvLength { get; }

    /// <summary>Bytes of tag (the ICV): 8, 12 or 16.</summary>
    int TagLength { get; }

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag.</summary>
    /// <returns><see cref="CryptoStatus.Ok"/>, <see cref="CryptoStatus.InvalidLength"/> (IV or tag length) or <see cref="CryptoStatus.Disposed"/>.</returns>
    CryptoStatus Seal(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> tag);

    /// <summary>Verifies the tag and decrypts <paramref name="data"/> in place.</summary>
    /// <returns><see cref="CryptoStatus.Ok"/>, <see cref="CryptoStatus.AuthenticationFailed"/>, <see cref="CryptoStatus.InvalidLength"/> or <see cref="CryptoStatus.Disposed"/>.</returns>
    CryptoStatus Open(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> tag);

    /// <summary>Seals every job, writing each job's status to the same index of <paramref name="results"/>.</summary>
    /// <returns>How many jobs succeeded.</returns>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="jobs"/>.</exception>
    int SealBurst(ReadOnlySpan<AeadJob> jobs, Span<CryptoStatus> results);

    /// <summary>Opens every job, writing each job's status to the same index of <paramref name="results"/>.</summary>
    /// <returns>How many jobs succeeded.</returns>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="jobs"/>.</exception>
    int OpenBurst(ReadOnlySpan<AeadJob> jobs, Span<CryptoStatus> results);
}

using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>
/// HMAC-MD5/SHA-1/SHA-256/384/512 (RFC 2403, 2404, 4868) on one <see cref="IncrementalHash"/> per SA: the keyed
/// context is prepared once and reset by each GetHashAndReset, so packets pay no key setup.
/// </summary>
internal sealed class PortableHmacKey : PortableIntegrityKey
{
    private readonly IncrementalHash _hmac;

    public PortableHmacKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> key)
        : base(algorithm) => _hmac = IncrementalHash.CreateHMAC(HashName(algorithm.Primitive), key);

    private protected override void MacCore(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> mac)
    {
        _hmac.AppendData(data);
        if (!appended.IsEmpty)
        {
            _hmac.AppendData(appended);
        }

        _hmac.GetHashAndReset(mac);
    }

    private protected override void ReleaseKey() => _hmac.Dispose();

    private static HashAlgorithmName HashName(CryptoPrimitive primitive) => primitive switch
    {
        CryptoPrimitive.HmacMd5 => HashAlgorithmName.MD5,
        CryptoPrimitive.HmacSha1 => HashAlgorithmName.SHA1,
        CryptoPrimitive.HmacSha256 => HashAlgorithmName.SHA256,
        CryptoPrimitive.HmacSha384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };
}

using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>AES-GCM for ESP (RFC 4106) on .NET's <see cref="AesGcm"/>, whose key schedule is prepared once here.</summary>
internal sealed class PortableAesGcmKey : PortableAeadKey
{
    private readonly AesGcm _aead;

    public PortableAesGcmKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
        : base(algorithm, salt) => _aead = new AesGcm(key, algorithm.IcvLength);

    private protected override void SealCore(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> tag) =>
        _aead.Encrypt(nonce, data, data, tag, associatedData);

    private protected override bool OpenCore(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        try
        {
            _aead.Decrypt(nonce, data, tag, data, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false; // AesGcm has already cleared data
        }
    }

    private protected override void ReleasePrimitive() => _aead.Dispose();
}

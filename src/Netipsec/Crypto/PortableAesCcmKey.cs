using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>AES-CCM for ESP (RFC 4309: 11-byte nonce, so L = 4) on .NET's <see cref="AesCcm"/>.</summary>
/// <remarks>
/// AesCcm keeps the key but, on OpenSSL, sets up a cipher context per call (CCM needs the message length first):
/// the one portable algorithm with per-packet key setup and a small per-call allocation.
/// </remarks>
internal sealed class PortableAesCcmKey : PortableAeadKey
{
    private readonly AesCcm _aead;

    public PortableAesCcmKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
        : base(algorithm, salt) => _aead = new AesCcm(key);

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
            return false; // AesCcm has already cleared data
        }
    }

    private protected override void ReleasePrimitive() => _aead.Dispose();
}

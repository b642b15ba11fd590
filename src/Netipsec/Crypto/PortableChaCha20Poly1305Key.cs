using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>ChaCha20-Poly1305 for ESP (RFC 7634) on .NET's <see cref="ChaCha20Poly1305"/>.</summary>
internal sealed class PortableChaCha20Poly1305Key : PortableAeadKey
{
    private readonly ChaCha20Poly1305 _aead;

    public PortableChaCha20Poly1305Key(AlgorithmInfo algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
        : base(algorithm, salt) => _aead = new ChaCha20Poly1305(key);

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
            return false; // ChaCha20Poly1305 has already cleared data
        }
    }

    private protected override void ReleasePrimitive() => _aead.Dispose();
}

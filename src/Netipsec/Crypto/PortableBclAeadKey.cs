using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>
/// AES-GCM (RFC 4106), AES-CCM (RFC 4309: 11-byte nonce, so L = 4) and ChaCha20-Poly1305 (RFC 7634) on .NET's
/// AEAD classes, whose key schedules are prepared once here. The three share no base type, so one class dispatches
/// on the primitive it holds.
/// </summary>
/// <remarks>
/// AesCcm keeps the key but, on OpenSSL, sets up a cipher context per call (CCM needs the message length first):
/// the one portable algorithm with per-packet key setup and a small per-call allocation.
/// </remarks>
internal sealed class PortableBclAeadKey : PortableAeadKey
{
    private readonly AesGcm? _gcm;
    private readonly AesCcm? _ccm;
    private readonly ChaCha20Poly1305? _chaCha;

    public PortableBclAeadKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
        : base(algorithm, salt)
    {
        switch (algorithm.Primitive)
        {
            case CryptoPrimitive.AesGcm:
                _gcm = new AesGcm(key, algorithm.IcvLength);
                break;
            case CryptoPrimitive.AesCcm:
                _ccm = new AesCcm(key);
                break;
            case CryptoPrimitive.ChaCha20Poly1305:
                _chaCha = new ChaCha20Poly1305(key);
                break;
            default:
                throw new ArgumentException($"{algorithm.Name} is not an AEAD .NET provides.", nameof(algorithm));
        }
    }

    private protected override void SealCore(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> tag)
    {
        if (_gcm is not null)
        {
            _gcm.Encrypt(nonce, data, data, tag, associatedData);
        }
        else if (_ccm is not null)
        {
            _ccm.Encrypt(nonce, data, data, tag, associatedData);
        }
        else
        {
            _chaCha!.Encrypt(nonce, data, data, tag, associatedData);
        }
    }

    private protected override bool OpenCore(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        try
        {
            if (_gcm is not null)
            {
                _gcm.Decrypt(nonce, data, tag, data, associatedData);
            }
            else if (_ccm is not null)
            {
                _ccm.Decrypt(nonce, data, tag, data, associatedData);
            }
            else
            {
                _chaCha!.Decrypt(nonce, data, tag, data, associatedData);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false; // the primitive has already cleared data
        }
    }

    private protected override void ReleasePrimitive()
    {
        _gcm?.Dispose();
        _ccm?.Dispose();
        _chaCha?.Dispose();
    }
}

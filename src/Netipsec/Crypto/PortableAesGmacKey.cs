using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>
/// AES-GMAC (RFC 4543) on .NET's <see cref="AesGcm"/>: GCM with nothing to encrypt, everything as AAD. The AAD must
/// be one span, so associated data and data are joined in a per-key scratch array when both are present.
/// </summary>
internal sealed class PortableAesGmacKey : PortableAeadKey
{
    private readonly AesGcm _aead;
    private readonly ScratchBuffer _joined = new();

    public PortableAesGmacKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
        : base(algorithm, salt) => _aead = new AesGcm(key, algorithm.IcvLength);

    private protected override void SealCore(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> tag)
    {
        ReadOnlySpan<byte> authenticated = Join(associatedData, data, out int joinedLength);
        _aead.Encrypt(nonce, default, default, tag, authenticated);
        _joined.Clear(joinedLength);
    }

    private protected override bool OpenCore(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        ReadOnlySpan<byte> authenticated = Join(associatedData, data, out int joinedLength);
        try
        {
            _aead.Decrypt(nonce, default, tag, default, authenticated);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        finally
        {
            _joined.Clear(joinedLength);
        }
    }

    private protected override void ReleasePrimitive()
    {
        _aead.Dispose();
        _joined.Release();
    }

    // AH, or ESP with nothing after the IV: the AAD is already one span and nothing is copied (joinedLength 0).
    private ReadOnlySpan<byte> Join(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> data, out int joinedLength)
    {
        if (data.IsEmpty)
        {
            joinedLength = 0;
            return associatedData;
        }

        joinedLength = associatedData.Length + data.Length;
        Span<byte> buffer = _joined.Ensure(joinedLength).AsSpan(0, joinedLength);
        associatedData.CopyTo(buffer);
        data.CopyTo(buffer[associatedData.Length..]);
        return buffer;
    }
}

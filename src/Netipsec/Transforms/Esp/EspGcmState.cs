using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Netipsec.Transforms.Esp;

/// <summary>
/// What <see cref="EspTransform.Init"/> prepares for one AES-GCM SA (kept in the SA's TypeState): the AES key schedule
/// inside one <see cref="AesGcm"/>, the salt (RFC 4106 §8.1) and the explicit IV counter (RFC 4106 §3.1).
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="Dispose"/> leaves a tombstone: later seal/open calls fail, and <see cref="IsDisposed"/>
/// stops Init from preparing the same key again with a counter back at the start (a repeated nonce under one GCM key
/// gives away the authentication key).
/// </remarks>
internal sealed class EspGcmState : IDisposable
{
    /// <summary>Bytes of salt behind the AES key in the SA's key material (RFC 4106 §8.1).</summary>
    internal const int SaltLength = 4;

    private const int NonceLength = SaltLength + EspHeader.IvLength;

    // Marks the counter as used up, so it is never sent: one IV of 2^64 is not worth a second field that would have
    // to change atomically with the counter.
    private const ulong ExhaustedIv = ulong.MaxValue;

    private readonly AesGcm _aead;

    // .NET's AesGcm reuses one cipher context per instance for every call, so two calls must not overlap; the key
    // schedule is still prepared only once, here. Also orders Dispose after any call in progress.
    private readonly Lock _aeadLock = new();

    private uint _salt; // guarded by _aeadLock once constructed; zeroed on Dispose
    private bool _disposed; // guarded by _aeadLock
    private ulong _nextIv;

    /// <summary>Prepares the cipher from <paramref name="keyMaterial"/> = AES key (16, 24 or 32 bytes) || 4-byte salt.</summary>
    /// <param name="keyMaterial">The SA's encryption key material; not kept (AesGcm copies the key).</param>
    /// <param name="icvLength">The ICV length, 12 or 16 (the tag sizes AesGcm supports).</param>
    /// <param name="extendedSequenceNumbers">True to authenticate the 64-bit sequence number (RFC 4106 §5).</param>
    /// <param name="firstIv">The first explicit IV to send; 0 except in known-answer tests.</param>
    internal EspGcmState(ReadOnlySpan<byte> keyMaterial, int icvLength, bool extendedSequenceNumbers, ulong firstIv)
    {
        _aead = new AesGcm(keyMaterial[..^SaltLength], icvLength);
        _salt = BinaryPrimitives.ReadUInt32BigEndian(keyMaterial[^SaltLength..]);
        IcvLength = icvLength;
        ExtendedSequenceNumbers = extendedSequenceNumbers;
        _nextIv = firstIv;
    }

    internal int IcvLength { get; }

    internal bool ExtendedSequenceNumbers { get; }

    internal bool IsDisposed
    {
        get
        {
            using (_aeadLock.EnterScope())
            {
                return _disposed;
            }
        }
    }

    /// <summary>Takes the next explicit IV; false once the counter is used up (then forever: an IV is never reused).</summary>
    /// <remarks>Independent of the sequence number, which may cycle on SAs without anti-replay (RFC 4303 §3.3.3).</remarks>
    internal bool TryTakeIv(out ulong iv)
    {
        ulong current = Volatile.Read(ref _nextIv);
        while (current != ExhaustedIv)
        {
            ulong seen = Interlocked.CompareExchange(ref _nextIv, current + 1, current);
            if (seen == current)
            {
                iv = current;
                return true;
            }

            current = seen;
        }

        iv = 0;
        return false;
    }

    /// <summary>Encrypts <paramref name="data"/> in place and writes the ICV; false when the state was disposed.</summary>
    internal bool TrySeal(ulong iv, ReadOnlySpan<byte> associatedData, Span<byte> data, Span<byte> icv)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BinaryPrimitives.WriteUInt64BigEndian(nonce[SaltLength..], iv);
        using (_aeadLock.EnterScope())
        {
            if (_disposed)
            {
                return false;
            }

            BinaryPrimitives.WriteUInt32BigEndian(nonce, _salt);
            _aead.Encrypt(nonce, data, data, icv, associatedData);
        }

        return true;
    }

    /// <summary>
    /// Verifies the ICV and decrypts <paramref name="data"/> in place: <see cref="TransformStatus.Ok"/>,
    /// <see cref="TransformStatus.IntegrityFailed"/> (AesGcm compares the tag in constant time and then clears
    /// <paramref name="data"/>) or <see cref="TransformStatus.Unsupported"/> when the state was disposed.
    /// </summary>
    internal TransformStatus Open(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> associatedData, Span<byte> data, ReadOnlySpan<byte> icv)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        iv.CopyTo(nonce[SaltLength..]);
        using (_aeadLock.EnterScope())
        {
            if (_disposed)
            {
                return TransformStatus.Unsupported;
            }

            BinaryPrimitives.WriteUInt32BigEndian(nonce, _salt);
            try
            {
                _aead.Decrypt(nonce, data, icv, data, associatedData);
            }
            catch (AuthenticationTagMismatchException)
            {
                return TransformStatus.IntegrityFailed;
            }
        }

        return TransformStatus.Ok;
    }

    /// <summary>Frees the cipher context (OpenSSL/CNG clear the key schedule) and wipes the salt. Idempotent.</summary>
    public void Dispose()
    {
        using (_aeadLock.EnterScope())
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _salt = 0;
            _aead.Dispose();
        }
    }
}

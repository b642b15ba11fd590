using System.Buffers.Binary;
using System.Security.Cryptography;
using Netipsec.Crypto;

namespace Netipsec.Transforms.Esp;

/// <summary>
/// What <see cref="EspTransform.Init"/> prepares for one ESP SA (kept in the SA's TypeState): the engine keys, the
/// sizes of the SA's packets and the explicit IV source.
/// </summary>
/// <remarks>
/// <para>Three shapes (RFC 4303 §3.2): an AEAD (AES-GCM, AES-CCM, ChaCha20-Poly1305) with SPI || sequence number as
/// AAD; ENCR_NULL_AUTH_AES_GMAC, which encrypts nothing and authenticates header, IV and payload (RFC 4543 §3.3); or a
/// cipher with an optional integrity key, encrypt-then-MAC, the ICV verified before anything is decrypted.</para>
/// <para>IVs: the counter modes (every AEAD, AES-CTR) take a per-SA 64-bit counter, which must never repeat under one
/// key (RFC 4106 §3.1, RFC 3686 §3.1); CBC takes fresh random bytes per packet from the operating system's CSPRNG,
/// because RFC 3602 §2.3 needs IVs an attacker cannot predict, and a counter alone would be predictable.</para>
/// <para>Thread-safe. <see cref="Dispose"/> disposes the keys and leaves a tombstone: later packets fail, and
/// <see cref="IsDisposed"/> stops Init from preparing the same key again with the counter back at the start.</para>
/// </remarks>
internal sealed class EspState : TransformState, IKeyedState
{
    // SPI || sequence high || sequence low with extended sequence numbers, else SPI || sequence (RFC 4106 §5,
    // RFC 4309 §5, RFC 7634 §2.1, RFC 4543 §3.3).
    private const int AadLength = 8;
    private const int ExtendedAadLength = 12;
    private const int AadSequenceOffset = 4;
    private const int SequenceHighLength = 4;

    private readonly IAeadKey? _aead;
    private readonly ICipherKey? _cipher;
    private readonly IIntegrityKey? _integrity;
    private readonly bool _counterIv;
    private readonly IvCounter _nextIv;
    private readonly bool _isGmac;

    /// <summary>An SA protected by one AEAD key (GMAC included); takes ownership of <paramref name="aead"/>.</summary>
    internal EspState(IAeadKey aead, bool extendedSequenceNumbers, ulong firstIv)
        : this(aead.Algorithm, aead.EngineName, extendedSequenceNumbers, firstIv)
    {
        _aead = aead;
        _counterIv = true;
        IvLength = aead.IvLength;
        IcvLength = aead.TagLength;
    }

    /// <summary>An SA protected by a cipher and, unless confidentiality-only, an integrity key; takes ownership of both.</summary>
    internal EspState(ICipherKey cipher, IIntegrityKey? integrity, bool extendedSequenceNumbers, ulong firstIv)
        : this(cipher.Algorithm, CombinedEngineName(cipher, integrity), extendedSequenceNumbers, firstIv)
    {
        _cipher = cipher;
        _integrity = integrity;
        _counterIv = cipher.Algorithm.Primitive == CryptoPrimitive.AesCtr;
        IvLength = cipher.IvLength;
        IcvLength = integrity?.IcvLength ?? 0;
    }

    private EspState(AlgorithmInfo encryption, string engineName, bool extendedSequenceNumbers, ulong firstIv)
    {
        Encryption = encryption;
        _isGmac = encryption.Primitive == CryptoPrimitive.AesGmac;
        EngineName = engineName;
        Alignment = EspTrailer.Alignment(encryption.BlockSize);
        ExtendedSequenceNumbers = extendedSequenceNumbers;
        _nextIv = new IvCounter(firstIv);
    }

    /// <summary>The encryption (or combined-mode) algorithm.</summary>
    internal AlgorithmInfo Encryption { get; }

    /// <summary>The integrity algorithm of a cipher SA, null for AEADs and confidentiality-only SAs.</summary>
    internal AlgorithmInfo? Integrity => _integrity?.Algorithm;

    public string EngineName { get; }

    internal int IvLength { get; }

    internal int IcvLength { get; }

    /// <summary>The boundary payload, padding, pad length and next header end on.</summary>
    internal int Alignment { get; }

    internal bool ExtendedSequenceNumbers { get; }

    /// <summary>The bytes behind a payload of <paramref name="payloadLength"/>: padding to the alignment, pad length, next header, ICV.</summary>
    internal int TrailerLength(int payloadLength) => EspTrailer.PaddingLength(payloadLength, Alignment) + EspTrailer.FixedLength + IcvLength;

    /// <summary>
    /// Writes the next explicit IV; false once the counter is used up (then forever: an IV is never reused).
    /// Independent of the sequence number, which may cycle on SAs without anti-replay (RFC 4303 §3.3.3).
    /// </summary>
    internal bool TryWriteIv(Span<byte> iv)
    {
        if (!_counterIv)
        {
            RandomNumberGenerator.Fill(iv); // CBC (RFC 3602 §2.3); empty for NULL
            return true;
        }

        return _nextIv.TryWrite(iv);
    }

    /// <summary>
    /// Encrypts and authenticates one packet in place. <paramref name="esp"/> runs from the SPI to the end of the
    /// trailer (ICV excluded) with the IV already written; <paramref name="icv"/> receives the ICV.
    /// </summary>
    internal TransformStatus Seal(Span<byte> esp, ulong sequence, Span<byte> icv)
    {
        int encryptedOffset = EspHeader.FixedLength + IvLength;
        ReadOnlySpan<byte> iv = esp[EspHeader.FixedLength..encryptedOffset];
        Span<byte> encrypted = esp[encryptedOffset..];
        CryptoStatus status;
        if (_aead is not null)
        {
            Span<byte> aad = stackalloc byte[ExtendedAadLength];
            aad = WriteAad(aad, BinaryPrimitives.ReadUInt32BigEndian(esp), sequence);
            // GMAC authenticates IV and payload after the AAD and encrypts nothing (RFC 4543 §3.3).
            Span<byte> data = _isGmac ? esp[EspHeader.FixedLength..] : encrypted;
            status = _aead.Seal(iv, aad, data, icv);
        }
        else
        {
            status = _cipher!.Encrypt(iv, encrypted);
            if (status == CryptoStatus.Ok && _integrity is not null)
            {
                Span<byte> high = stackalloc byte[SequenceHighLength];
                status = _integrity.Compute(esp, WriteSequenceHigh(high, sequence), icv);
            }
        }

        return ToTransformStatus(status);
    }

    /// <summary>
    /// Verifies and decrypts one packet in place (<paramref name="esp"/> and <paramref name="icv"/> as in
    /// <see cref="Seal"/>). Cipher SAs verify the ICV before decrypting anything (RFC 4303 §3.4.4.1).
    /// </summary>
    internal TransformStatus Open(Span<byte> esp, ulong sequence, ReadOnlySpan<byte> icv)
    {
        int encryptedOffset = EspHeader.FixedLength + IvLength;
        ReadOnlySpan<byte> iv = esp[EspHeader.FixedLength..encryptedOffset];
        Span<byte> encrypted = esp[encryptedOffset..];
        if (_aead is not null)
        {
            Span<byte> aad = stackalloc byte[ExtendedAadLength];
            aad = WriteAad(aad, BinaryPrimitives.ReadUInt32BigEndian(esp), sequence);
            Span<byte> data = _isGmac ? esp[EspHeader.FixedLength..] : encrypted;
            return ToTransformStatus(_aead.Open(iv, aad, data, icv));
        }

        if (encrypted.Length % Alignment != 0)
        {
            return TransformStatus.Malformed; // RFC 4303 §2.4: the sender pads to the block size
        }

        if (_integrity is not null)
        {
            Span<byte> high = stackalloc byte[SequenceHighLength];
            CryptoStatus verified = _integrity.Verify(esp, WriteSequenceHigh(high, sequence), icv);
            if (verified != CryptoStatus.Ok)
            {
                return ToTransformStatus(verified);
            }
        }

        return ToTransformStatus(_cipher!.Decrypt(iv, encrypted));
    }

    /// <summary>Disposes the keys (their engines wipe the key schedules).</summary>
    private protected override void Release()
    {
        _aead?.Dispose();
        _cipher?.Dispose();
        _integrity?.Dispose();
    }

    private static string CombinedEngineName(ICipherKey cipher, IIntegrityKey? integrity) =>
        integrity is null || integrity.EngineName == cipher.EngineName ? cipher.EngineName : $"{cipher.EngineName}+{integrity.EngineName}";


    private static TransformStatus ToTransformStatus(CryptoStatus status) => status switch
    {
        CryptoStatus.Ok => TransformStatus.Ok,
        CryptoStatus.AuthenticationFailed => TransformStatus.IntegrityFailed,
        CryptoStatus.Disposed => TransformStatus.Unsupported,
        _ => TransformStatus.Malformed,
    };

    private Span<byte> WriteAad(Span<byte> aad, uint spi, ulong sequence)
    {
        BinaryPrimitives.WriteUInt32BigEndian(aad, spi);
        if (ExtendedSequenceNumbers)
        {
            BinaryPrimitives.WriteUInt64BigEndian(aad[AadSequenceOffset..], sequence);
            return aad;
        }

        BinaryPrimitives.WriteUInt32BigEndian(aad[AadSequenceOffset..], (uint)sequence);
        return aad[..AadLength];
    }

    // RFC 4303 §2.2.1 / §3.3.2.1: with ESN the high 32 bits are appended to the ICV input, never sent.
    private ReadOnlySpan<byte> WriteSequenceHigh(Span<byte> buffer, ulong sequence)
    {
        if (!ExtendedSequenceNumbers)
        {
            return default;
        }

        BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)(sequence >> 32));
        return buffer;
    }
}

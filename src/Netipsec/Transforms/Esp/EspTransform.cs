using System.Runtime.CompilerServices;
using Netipsec.Crypto;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Transforms.Esp;

/// <summary>
/// ESP (RFC 4303) on the crypto engines: combined-mode algorithms (AES-GCM RFC 4106, AES-CCM RFC 4309,
/// ChaCha20-Poly1305 RFC 7634), ENCR_NULL_AUTH_AES_GMAC (RFC 4543), or a cipher (AES-CBC RFC 3602, AES-CTR RFC 3686,
/// 3DES-CBC RFC 2451, DES-CBC, NULL RFC 2410) with an integrity algorithm (HMAC-MD5/SHA-1/SHA-2, AES-CMAC,
/// AES-XCBC, NULL) or, configured by leaving the authentication algorithm out, without one (confidentiality-only).
/// </summary>
/// <remarks>
/// <para>Algorithms are the SA's PF_KEY ids, looked up in <see cref="AlgorithmTable"/>; key material as the SA
/// carries it (salt or nonce included). Each key comes from the first engine of the transform's list that supports
/// the algorithm. Any mode: the mode lays the packet out, this transform only protects what follows the gap.</para>
/// <para>Stateless apart from the engine list. <see cref="Init"/> prepares the keys once per SA; <see cref="Output"/>
/// and <see cref="Input"/> may run on several threads for one SA and allocate nothing themselves (an engine key may:
/// the portable engine's AES-CCM and AES-CMAC). <see cref="Init"/> and <see cref="Destroy"/> are for the SA's owner
/// and must not race each other.</para>
/// <para>Data-path methods never throw for packet contents; <see langword="null"/> arguments throw.</para>
/// </remarks>
public sealed class EspTransform : IXfrmType
{
    /// <summary>SADB_X_EALG_AES_GCM_ICV8: AES-GCM with an 8-byte ICV (RFC 4106).</summary>
    internal const byte AesGcmIcv8 = 18;

    /// <summary>SADB_X_EALG_AES_GCM_ICV12: AES-GCM with a 12-byte ICV (RFC 4106).</summary>
    internal const byte AesGcmIcv12 = 19;

    /// <summary>SADB_X_EALG_AES_GCM_ICV16: AES-GCM with a 16-byte ICV (RFC 4106).</summary>
    internal const byte AesGcmIcv16 = 20;

    // Sizes assumed for an SA whose algorithms are unknown (Init refuses it anyway): an AEAD's IV and largest tag.
    private const int UnknownIvLength = 8;
    private const int UnknownIcvLength = 16;

    private readonly CryptoEngineList _engines;
    private readonly ulong _firstIv;

    /// <summary>Creates a transform whose keys come from the first of <paramref name="engines"/> supporting each algorithm.</summary>
    /// <exception cref="ArgumentException"><paramref name="engines"/> is empty or holds null.</exception>
    public EspTransform(IReadOnlyList<ICryptoEngine> engines)
        : this(engines, 0)
    {
    }

    /// <summary>Creates a transform on the portable engine whose counter-IV SAs send <paramref name="firstIv"/> first (tests only).</summary>
    internal EspTransform(ulong firstIv)
        : this(CryptoEngineList.Portable, firstIv)
    {
    }

    /// <summary>Creates a transform on <paramref name="engines"/> whose counter-IV SAs send <paramref name="firstIv"/> first (tests only).</summary>
    internal EspTransform(IReadOnlyList<ICryptoEngine> engines, ulong firstIv)
        : this(new CryptoEngineList(engines), firstIv)
    {
    }

    private EspTransform(CryptoEngineList engines, ulong firstIv)
    {
        _engines = engines;
        _firstIv = firstIv;
    }

    /// <summary>The transform on <see cref="PortableCryptoEngine.Instance"/>; the IV counter of each SA starts at 0.</summary>
    public static EspTransform Instance { get; } = new(0);

    /// <inheritdoc/>
    public IpsecProtocol Protocol => IpsecProtocol.Esp;

    /// <summary>
    /// The engines this transform prepares keys with, most preferred first: what it can install, and so what a key
    /// manager is told it supports (PF_KEY REGISTER) and offered (ACQUIRE).
    /// </summary>
    public IReadOnlyList<ICryptoEngine> CryptoEngines => _engines.Engines;

    /// <summary>
    /// Prepares the SA's keys and IV source. <see cref="TransformStatus.Unsupported"/> when the SA is not ESP, carries
    /// a compression algorithm or a padding mode <see cref="EspPadding"/> does not define, has no encryption algorithm, its encryption id is not a cipher or AEAD of the
    /// <see cref="AlgorithmTable"/>, an AEAD comes with an authentication algorithm, the authentication id is not an
    /// ESP integrity algorithm, the cipher and integrity are both NULL (RFC 4303 §3.2: one of them must protect), a
    /// key's bit count does not cover its bytes, no engine supports an algorithm, an engine refuses a key (length,
    /// weak key), or the SA was prepared before and destroyed (preparing it again would restart the IV counter under
    /// the same key). Calling it again on a prepared SA changes nothing and returns <see cref="TransformStatus.Ok"/>.
    /// </summary>
    public TransformStatus Init(SecurityAssociation sa)
    {
        if (TransformState.TryGetPrepared<EspState>(sa, out TransformStatus preparedStatus))
        {
            return preparedStatus;
        }

        if (sa.TypeState is not null
            || sa.Protocol != IpsecProtocol.Esp
            || sa.Compression is not null
            || !Enum.IsDefined(sa.Padding)
            || sa.Encryption is not { } encryption
            || !HasWholeKey(encryption)
            || !AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Encryption, encryption.Id, out AlgorithmInfo? encryptionInfo))
        {
            return TransformStatus.Unsupported;
        }

        EspState? state = encryptionInfo.Kind switch
        {
            AlgorithmKind.Aead when sa.Authentication is null => PrepareAead(encryptionInfo, encryption.Key, sa.ExtendedSequenceNumbers),
            AlgorithmKind.Cipher => PrepareCipher(encryptionInfo, encryption.Key, sa.Authentication, sa.ExtendedSequenceNumbers),
            _ => null,
        };
        return TransformState.Install(sa, state);
    }

    /// <summary>
    /// Disposes the SA's keys. The SA keeps a tombstone, so later packets get <see cref="TransformStatus.Unsupported"/>
    /// and <see cref="Init"/> refuses it. Safe to call more than once.
    /// </summary>
    public void Destroy(SecurityAssociation sa) => TransformState.Destroy<EspState>(sa);

    /// <summary>SPI, sequence number and the algorithm's explicit IV (0, 8 or 16 bytes).</summary>
    public int HeaderLength(SecurityAssociation sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        GetLayout(sa, out int ivLength, out _, out _);
        return EspHeader.FixedLength + ivLength;
    }

    /// <summary>Padding to the cipher's block size (at least 4 bytes), pad length, next header and the ICV.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    public int TrailerLength(SecurityAssociation sa, int payloadLength)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        GetLayout(sa, out _, out int alignment, out int icvLength);
        return EspTrailer.PaddingLength(payloadLength, alignment) + EspTrailer.FixedLength + icvLength;
    }

    /// <summary>
    /// Fills the gap with the ESP header and a fresh IV, appends the trailer (with TFC padding, zeros, in front of it
    /// for a tunnel SA that pads; ESP padding as <see cref="SecurityAssociation.Padding"/> says), encrypts payload ||
    /// TFC padding || padding || pad length || next header in place, appends the ICV and names ESP (50) in the byte at
    /// <see cref="Packet.NextHeaderFieldOffset"/>. Statuses: <see cref="TransformStatus.Ok"/>;
    /// <see cref="TransformStatus.Unsupported"/> when the SA is not prepared (or destroyed);
    /// <see cref="TransformStatus.Malformed"/> when the packet does not follow the output layout contract;
    /// <see cref="TransformStatus.NoRoom"/> when the trailer would not fit even in the largest buffer;
    /// <see cref="TransformStatus.IvExhausted"/> when a counter-IV SA has used every IV and must not send again.
    /// </summary>
    /// <param name="sequence">The sequence number; its low 32 bits go on the wire, all 64 into the ICV with ESN.</param>
    public TransformStatus Output(SecurityAssociation sa, Packet packet, ulong sequence)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        if (sa.TypeState is not EspState state)
        {
            return TransformStatus.Unsupported;
        }

        if (!packet.HasNetworkHeader || !packet.HasTransportHeader)
        {
            return TransformStatus.Malformed;
        }

        int espOffset = packet.TransportOffset;
        int protocolField = packet.NetworkOffset + packet.NextHeaderFieldOffset;
        int payloadOffset = espOffset + EspHeader.FixedLength + state.IvLength;
        if (packet.NetworkOffset < 0 || packet.NextHeaderFieldOffset < 0 || protocolField >= espOffset || payloadOffset > packet.Length)
        {
            return TransformStatus.Malformed;
        }

        TransformStatus status = Protect(sa, state, packet, espOffset, TfcPaddingLength(sa, packet.OutputPayloadLimit, packet.Length - payloadOffset), sequence);
        if (status != TransformStatus.Ok)
        {
            return status;
        }

        packet.Data[protocolField] = (byte)IpProtocol.Esp;
        return TransformStatus.Ok;
    }

    /// <summary>
    /// The ESP part of output once the gap is laid out: a fresh IV into it, then <paramref name="tfcLength"/> zero bytes,
    /// the trailer and the ICV appended behind the payload, the header's SPI and sequence number, and the payload through
    /// the seal. <paramref name="espOffset"/> is where the header goes, the payload (next header
    /// <see cref="Packet.InnerProtocol"/>) runs from behind the IV to the end. Statuses as <see cref="Output"/>; the
    /// tunnel fast path of the Tx path lays out the gap and outer header itself and then calls this.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the Tx path's one call per packet, from either path
    internal static TransformStatus Protect(SecurityAssociation sa, EspState state, Packet packet, int espOffset, int tfcLength, ulong sequence)
    {
        int payloadOffset = espOffset + EspHeader.FixedLength + state.IvLength;
        int payloadLength = packet.Length - payloadOffset;
        int trailerLength = tfcLength + state.TrailerLength(payloadLength + tfcLength);
        // The mode normally made the room; growing can only fail beyond the pool's largest buffer.
        if (!packet.TryEnsureRoom(0, trailerLength))
        {
            return TransformStatus.NoRoom;
        }

        Span<byte> data = packet.Data;
        _ = EspHeader.TryCreate(data[espOffset..], state.IvLength, out EspHeader header);
        if (!state.TryWriteIv(header.Iv))
        {
            return TransformStatus.IvExhausted;
        }

        Span<byte> appended = packet.Put(trailerLength);
        appended[..tfcLength].Clear();
        EspTrailer.Write(appended[tfcLength..(trailerLength - state.IcvLength)], packet.InnerProtocol, sa.Padding);
        data = packet.Data;
        _ = EspHeader.TryCreate(data[espOffset..], state.IvLength, out header);
        header.Spi = sa.Spi;
        header.SequenceNumber = (uint)sequence;
        int espLength = packet.Length - espOffset - state.IcvLength;
        return state.Seal(data.Slice(espOffset, espLength), sequence, data.Slice(espOffset + espLength, state.IcvLength));
    }

    /// <summary>
    /// Verifies and decrypts the ESP packet at the transport header mark, checks the trailer, then removes the ESP
    /// header, trailer and ICV so the data is [IP header(s)][payload] with the transport mark on the payload and
    /// <see cref="Packet.InnerProtocol"/> set from the trailer. Statuses: <see cref="TransformStatus.Ok"/>;
    /// <see cref="TransformStatus.IntegrityFailed"/> when the ICV does not verify (checked before anything is
    /// decrypted); <see cref="TransformStatus.Malformed"/> when the packet is too short, the encrypted part is not whole
    /// blocks, the decrypted pad length is invalid, or the padding of an SA with the default
    /// <see cref="EspPadding.Sequential"/> padding is not 1, 2, 3, ... (RFC 4303 §2.4); <see cref="TransformStatus.Dummy"/>
    /// for a TFC dummy packet, next header 59 (RFC 4303 §2.6), laid out as for Ok but to be dropped;
    /// <see cref="TransformStatus.Unsupported"/> when the SA is not prepared (or destroyed). On any other status the
    /// packet is not in a usable layout.
    /// </summary>
    /// <param name="sequenceHigh">The ESN high half the replay check inferred; ignored without ESN.</param>
    public TransformStatus Input(SecurityAssociation sa, Packet packet, uint sequenceHigh)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        TransformStatus status = Open(sa, packet, sequenceHigh, out EspPlaintext plaintext);
        if (status is not (TransformStatus.Ok or TransformStatus.Dummy))
        {
            return status;
        }

        // A dummy loses its ESP header and trailer too: the lifetime counts it at the length of any other packet.
        packet.Trim(plaintext.Offset + plaintext.Length);
        packet.StripHeader(plaintext.Offset - plaintext.HeaderLength, plaintext.HeaderLength);
        packet.InnerProtocol = plaintext.NextHeader;
        return status;
    }

    /// <summary>
    /// Verifies and decrypts the ESP packet at the transport header mark in place and reads its trailer, moving nothing:
    /// <paramref name="plaintext"/> says where the payload lies. Statuses as <see cref="Input"/>; the tunnel fast path
    /// of the Rx path removes the headers itself.
    /// </summary>
    internal static TransformStatus Open(SecurityAssociation sa, Packet packet, uint sequenceHigh, out EspPlaintext plaintext)
    {
        plaintext = default;
        if (sa.TypeState is not EspState state)
        {
            return TransformStatus.Unsupported;
        }

        if (!packet.HasTransportHeader || packet.TransportOffset < 0)
        {
            return TransformStatus.Malformed;
        }

        int espOffset = packet.TransportOffset;
        int headerLength = EspHeader.FixedLength + state.IvLength;
        int encryptedLength = packet.Length - espOffset - headerLength - state.IcvLength;
        if (encryptedLength < EspTrailer.FixedLength)
        {
            return TransformStatus.Malformed;
        }

        Span<byte> data = packet.Data;
        int espLength = headerLength + encryptedLength;
        Span<byte> esp = data.Slice(espOffset, espLength);
        _ = EspHeader.TryCreate(esp, state.IvLength, out EspHeader header);
        ulong sequence = ((ulong)sequenceHigh << 32) | header.SequenceNumber;
        TransformStatus status = state.Open(esp, sequence, data.Slice(espOffset + espLength, state.IcvLength));
        if (status != TransformStatus.Ok)
        {
            return status;
        }

        status = EspTrailer.Read(esp[headerLength..], sa.Padding, out int trailerLength, out IpProtocol nextHeader);
        if (status != TransformStatus.Ok)
        {
            return status;
        }

        plaintext = new EspPlaintext(espOffset + headerLength, encryptedLength - trailerLength, headerLength, nextHeader);
        return nextHeader == IpProtocol.NoNextHeader ? TransformStatus.Dummy : TransformStatus.Ok;
    }

    /// <summary>
    /// The TFC padding (RFC 4303 §2.7) that goes between a tunnel SA's inner packet and the ESP padding: up to
    /// <see cref="SecurityAssociation.TfcPadding"/>, capped by the path limit when the Tx path knows one, as Linux's
    /// esp_output pads to min(tfcpad, xfrm_state_mtu). Only tunnel mode: there the inner IP length tells the receiver
    /// where the packet ends, while a transport payload would carry the padding up the stack.
    /// </summary>
    private static int TfcPaddingLength(SecurityAssociation sa, int pathLimit, int payloadLength)
    {
        if (sa.TfcPadding == 0 || sa.Mode != XfrmMode.Tunnel)
        {
            return 0;
        }

        int padTo = pathLimit > 0 ? Math.Min(sa.TfcPadding, pathLimit) : sa.TfcPadding;
        return Math.Max(0, padTo - payloadLength);
    }

    private static bool HasWholeKey(SaAlgorithm algorithm) => algorithm.KeyBits == algorithm.Key.Length * 8;

    /// <summary>
    /// The IV length, padding alignment and ICV length of the SA's packets: from its prepared state, else from the
    /// algorithm table (so sizes are known before Init), else an AEAD's sizes.
    /// </summary>
    private static void GetLayout(SecurityAssociation sa, out int ivLength, out int alignment, out int icvLength)
    {
        if (sa.TypeState is EspState state)
        {
            (ivLength, alignment, icvLength) = (state.IvLength, state.Alignment, state.IcvLength);
            return;
        }

        (ivLength, alignment, icvLength) = (UnknownIvLength, EspTrailer.MinimumAlignment, UnknownIcvLength);
        if (sa.Encryption is { } encryption
            && AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Encryption, encryption.Id, out AlgorithmInfo? encryptionInfo))
        {
            ivLength = encryptionInfo.IvLength;
            alignment = EspTrailer.Alignment(encryptionInfo.BlockSize);
            icvLength = encryptionInfo.Kind == AlgorithmKind.Aead ? encryptionInfo.IcvLength : 0;
            if (sa.Authentication is { } authentication
                && AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Integrity, authentication.Id, out AlgorithmInfo? integrityInfo))
            {
                icvLength = integrityInfo.IcvLength;
            }
        }
    }

    private EspState? PrepareAead(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, bool extendedSequenceNumbers)
    {
        if (_engines.CreateAeadKey(algorithm, keyMaterial, out IAeadKey? key) != KeyCreateStatus.Created)
        {
            return null;
        }

        return new EspState(key!, extendedSequenceNumbers, _firstIv);
    }

    private EspState? PrepareCipher(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, SaAlgorithm? authentication, bool extendedSequenceNumbers)
    {
        AlgorithmInfo? integrityInfo = null;
        if (authentication is not null
            && (!HasWholeKey(authentication)
                || !AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Integrity, authentication.Id, out integrityInfo)
                || integrityInfo.UsesAeadKey))
        {
            return null; // AES-GMAC as an integrity algorithm is AH's (RFC 4543 §4); ESP names it as the encryption
        }

        // RFC 4303 §3.2: NULL encryption with no (or NULL) integrity would protect nothing.
        bool protectsIntegrity = integrityInfo is not null && integrityInfo.Primitive != CryptoPrimitive.NullIntegrity;
        if (algorithm.Primitive == CryptoPrimitive.NullCipher && !protectsIntegrity)
        {
            return null;
        }

        if (_engines.CreateCipherKey(algorithm, keyMaterial, out ICipherKey? cipher) != KeyCreateStatus.Created)
        {
            return null;
        }

        IIntegrityKey? integrity = null;
        if (integrityInfo is not null)
        {
            if (_engines.CreateIntegrityKey(integrityInfo, authentication!.Key, out integrity) != KeyCreateStatus.Created)
            {
                cipher!.Dispose();
                return null;
            }
        }

        return new EspState(cipher!, integrity, extendedSequenceNumbers, _firstIv);
    }
}

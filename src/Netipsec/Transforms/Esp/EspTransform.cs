using System.Buffers.Binary;
using System.Security.Cryptography;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Transforms.Esp;

/// <summary>
/// ESP (RFC 4303) with AES-GCM as a combined-mode algorithm (RFC 4106): confidentiality and integrity in one pass,
/// an 8-byte explicit IV per packet, and the SPI and sequence number as additional authenticated data.
/// </summary>
/// <remarks>
/// <para>Supported SAs: protocol ESP, no authentication algorithm (the AEAD's ICV is the integrity check), encryption
/// algorithm SADB_X_EALG_AES_GCM_ICV12 (19) or SADB_X_EALG_AES_GCM_ICV16 (20) as in Linux's &lt;linux/pfkeyv2.h&gt;,
/// with key material = AES key (16, 24 or 32 bytes) || 4-byte salt (RFC 4106 §8.1). Any mode: the mode lays the
/// packet out, this transform only protects what follows the gap.</para>
/// <para>A stateless singleton (<see cref="Instance"/>). <see cref="Init"/> prepares the key schedule once per SA;
/// <see cref="Output"/> and <see cref="Input"/> may run on several threads for one SA (the SA's cipher calls are
/// serialised) and allocate nothing. <see cref="Init"/> and <see cref="Destroy"/> are for the SA's owner and must
/// not race each other.</para>
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

    // SPI || sequence high || sequence low with extended sequence numbers, else SPI || sequence (RFC 4106 §5).
    private const int AadLength = 8;
    private const int ExtendedAadLength = 12;
    private const int AadSequenceOffset = 4;

    private readonly ulong _firstIv;

    /// <summary>Creates a transform whose SAs send <paramref name="firstIv"/> as their first explicit IV (tests only).</summary>
    internal EspTransform(ulong firstIv) => _firstIv = firstIv;

    /// <summary>The transform; the IV counter of each SA starts at 0.</summary>
    public static EspTransform Instance { get; } = new(0);

    /// <inheritdoc/>
    public IpsecProtocol Protocol => IpsecProtocol.Esp;

    /// <summary>
    /// Prepares the SA's AES-GCM key schedule and IV counter. <see cref="TransformStatus.Unsupported"/> when the SA is
    /// not ESP, carries an authentication or compression algorithm, its encryption algorithm is not AES-GCM with a
    /// 12- or 16-byte ICV, its key material is not 20, 28 or 36 bytes, AES-GCM is unavailable on this platform, or the
    /// SA was prepared before and destroyed (preparing it again would restart the IV counter under the same key).
    /// Calling it again on a prepared SA changes nothing and returns <see cref="TransformStatus.Ok"/>.
    /// </summary>
    public TransformStatus Init(SecurityAssociation sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (sa.TypeState is EspGcmState prepared)
        {
            return prepared.IsDisposed ? TransformStatus.Unsupported : TransformStatus.Ok;
        }

        // SADB_X_EALG_AES_GCM_ICV8 is a valid RFC 4106 algorithm, but .NET's AesGcm only produces 12- to 16-byte
        // tags (AesGcm.TagByteSizes); the fast crypto engine of a later issue covers it.
        if (sa.TypeState is not null
            || sa.Protocol != IpsecProtocol.Esp
            || sa.Authentication is not null
            || sa.Compression is not null
            || sa.Encryption is not { Id: AesGcmIcv12 or AesGcmIcv16 } encryption
            || encryption.KeyBits != encryption.Key.Length * 8
            || (encryption.Key.Length - EspGcmState.SaltLength) is not (16 or 24 or 32)
            || !AesGcm.IsSupported)
        {
            return TransformStatus.Unsupported;
        }

        sa.TypeState = new EspGcmState(encryption.Key, IcvLength(encryption), sa.ExtendedSequenceNumbers, _firstIv);
        return TransformStatus.Ok;
    }

    /// <summary>
    /// Frees the SA's cipher context and wipes the salt. The SA keeps a tombstone, so later packets get
    /// <see cref="TransformStatus.Unsupported"/> and <see cref="Init"/> refuses it. Safe to call more than once.
    /// </summary>
    public void Destroy(SecurityAssociation sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (sa.TypeState is EspGcmState state)
        {
            state.Dispose();
        }
    }

    /// <summary>SPI, sequence number and the 8-byte explicit IV: 16 bytes.</summary>
    public int HeaderLength(SecurityAssociation sa) => EspHeader.Length;

    /// <summary>Padding to the 4-byte boundary (0 to 3 bytes), pad length, next header and the ICV.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    public int TrailerLength(SecurityAssociation sa, int payloadLength)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return EspTrailer.PaddingLength(payloadLength) + EspTrailer.FixedLength + IcvLength(sa.Encryption);
    }

    /// <summary>
    /// Fills the gap with the ESP header and a fresh explicit IV, appends the trailer, encrypts
    /// payload || padding || pad length || next header in place, appends the ICV and names ESP (50) in the byte at
    /// <see cref="Packet.NextHeaderFieldOffset"/>. Statuses: <see cref="TransformStatus.Ok"/>;
    /// <see cref="TransformStatus.Unsupported"/> when the SA is not prepared (or destroyed);
    /// <see cref="TransformStatus.Malformed"/> when the packet does not follow the output layout contract;
    /// <see cref="TransformStatus.NoRoom"/> when the trailer would not fit even in the largest buffer;
    /// <see cref="TransformStatus.IvExhausted"/> when the SA has used every IV and must not send again.
    /// </summary>
    /// <param name="sequence">The sequence number; its low 32 bits go on the wire, all 64 into the AAD with ESN.</param>
    public TransformStatus Output(SecurityAssociation sa, Packet packet, ulong sequence)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        if (sa.TypeState is not EspGcmState state)
        {
            return TransformStatus.Unsupported;
        }

        if (!packet.HasNetworkHeader || !packet.HasTransportHeader)
        {
            return TransformStatus.Malformed;
        }

        int espOffset = packet.TransportOffset;
        int protocolField = packet.NetworkOffset + packet.NextHeaderFieldOffset;
        int payloadOffset = espOffset + EspHeader.Length;
        if (packet.NetworkOffset < 0 || packet.NextHeaderFieldOffset < 0 || protocolField >= espOffset || payloadOffset > packet.Length)
        {
            return TransformStatus.Malformed;
        }

        int payloadLength = packet.Length - payloadOffset;
        int encryptedLength = payloadLength + EspTrailer.PaddingLength(payloadLength) + EspTrailer.FixedLength;
        int trailerLength = encryptedLength - payloadLength + state.IcvLength;
        // The mode normally made the room; growing can only fail beyond the pool's largest buffer.
        if (!packet.TryEnsureRoom(0, trailerLength))
        {
            return TransformStatus.NoRoom;
        }

        if (!state.TryTakeIv(out ulong iv))
        {
            return TransformStatus.IvExhausted;
        }

        EspTrailer.Write(packet.Put(trailerLength)[..(trailerLength - state.IcvLength)], packet.InnerProtocol);
        Span<byte> data = packet.Data;
        _ = EspHeader.TryCreate(data[espOffset..], out EspHeader header);
        header.Spi = sa.Spi;
        header.SequenceNumber = (uint)sequence;
        header.Iv = iv;

        Span<byte> aad = stackalloc byte[ExtendedAadLength];
        int aadLength = WriteAad(aad, sa.Spi, sequence, state.ExtendedSequenceNumbers);
        Span<byte> encrypted = data.Slice(payloadOffset, encryptedLength);
        Span<byte> icv = data.Slice(payloadOffset + encryptedLength, state.IcvLength);
        if (!state.TrySeal(iv, aad[..aadLength], encrypted, icv))
        {
            return TransformStatus.Unsupported;
        }

        data[protocolField] = (byte)IpProtocol.Esp;
        return TransformStatus.Ok;
    }

    /// <summary>
    /// Verifies and decrypts the ESP packet at the transport header mark, checks the trailer, then removes the ESP
    /// header, trailer and ICV so the data is [IP header(s)][payload] with the transport mark on the payload and
    /// <see cref="Packet.InnerProtocol"/> set from the trailer. Statuses: <see cref="TransformStatus.Ok"/>;
    /// <see cref="TransformStatus.IntegrityFailed"/> when the ICV does not verify (the encrypted bytes are then
    /// cleared); <see cref="TransformStatus.Malformed"/> when the packet is too short or the decrypted padding or pad
    /// length is invalid (RFC 4303 §2.4); <see cref="TransformStatus.Dummy"/> for a TFC dummy packet, next header 59
    /// (RFC 4303 §2.6), left as it is to be dropped; <see cref="TransformStatus.Unsupported"/> when the SA is not
    /// prepared (or destroyed). On any status but Ok the packet is not in a usable layout.
    /// </summary>
    /// <param name="sequenceHigh">The ESN high half the replay check inferred; ignored without ESN.</param>
    public TransformStatus Input(SecurityAssociation sa, Packet packet, uint sequenceHigh)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        if (sa.TypeState is not EspGcmState state)
        {
            return TransformStatus.Unsupported;
        }

        if (!packet.HasTransportHeader || packet.TransportOffset < 0)
        {
            return TransformStatus.Malformed;
        }

        int espOffset = packet.TransportOffset;
        int encryptedLength = packet.Length - espOffset - EspHeader.Length - state.IcvLength;
        if (encryptedLength < EspTrailer.FixedLength)
        {
            return TransformStatus.Malformed;
        }

        Span<byte> data = packet.Data;
        _ = EspHeader.TryCreate(data[espOffset..], out EspHeader header);
        Span<byte> aad = stackalloc byte[ExtendedAadLength];
        ulong sequence = ((ulong)sequenceHigh << 32) | header.SequenceNumber;
        int aadLength = WriteAad(aad, header.Spi, sequence, state.ExtendedSequenceNumbers);
        int encryptedOffset = espOffset + EspHeader.Length;
        Span<byte> encrypted = data.Slice(encryptedOffset, encryptedLength);
        ReadOnlySpan<byte> icv = data.Slice(encryptedOffset + encryptedLength, state.IcvLength);
        TransformStatus status = state.Open(header.IvBytes, aad[..aadLength], encrypted, icv);
        if (status != TransformStatus.Ok)
        {
            return status;
        }

        status = EspTrailer.Read(encrypted, out int trailerLength, out IpProtocol nextHeader);
        if (status != TransformStatus.Ok)
        {
            return status;
        }

        if (nextHeader == IpProtocol.NoNextHeader)
        {
            return TransformStatus.Dummy;
        }

        packet.Trim(packet.Length - state.IcvLength - trailerLength);
        packet.StripHeader(espOffset, EspHeader.Length);
        packet.InnerProtocol = nextHeader;
        return TransformStatus.Ok;
    }

    /// <summary>The ICV length the SA's algorithm produces; the largest, 16, for anything but the shorter GCM variants.</summary>
    private static int IcvLength(SaAlgorithm? encryption) => encryption?.Id switch
    {
        AesGcmIcv8 => 8,
        AesGcmIcv12 => 12,
        _ => 16,
    };

    /// <summary>Writes the AAD of RFC 4106 §5 and returns its length.</summary>
    private static int WriteAad(Span<byte> aad, uint spi, ulong sequence, bool extendedSequenceNumbers)
    {
        BinaryPrimitives.WriteUInt32BigEndian(aad, spi);
        if (extendedSequenceNumbers)
        {
            BinaryPrimitives.WriteUInt64BigEndian(aad[AadSequenceOffset..], sequence);
            return ExtendedAadLength;
        }

        BinaryPrimitives.WriteUInt32BigEndian(aad[AadSequenceOffset..], (uint)sequence);
        return AadLength;
    }
}

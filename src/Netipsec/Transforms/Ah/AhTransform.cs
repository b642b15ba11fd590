using System.Buffers;
using Netipsec.Crypto;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms.Modes;

namespace Netipsec.Transforms.Ah;

/// <summary>
/// The Authentication Header transform (RFC 4302): integrity and data origin authentication of the payload and of the
/// IP header fields that do not change in transit, no confidentiality. Algorithms: HMAC-MD5-96, HMAC-SHA1-96,
/// HMAC-SHA-256/384/512 (RFC 4868), AES-XCBC-MAC-96, AES-CMAC-96 and AES-GMAC (RFC 4543 §4), each from the
/// <see cref="AlgorithmTable"/>'s authentication space.
/// </summary>
/// <remarks>
/// <para>The ICV covers the IP header(s) in front of AH with their mutable fields zeroed or predicted
/// (see <see cref="AhMutableFields"/>), the AH header with its ICV field zeroed, and everything behind it. Rather than
/// copy the packet, the transform rewrites the header bytes in place, computes over the packet from the network
/// header, and puts the saved bytes back, so the packet leaves with its real TTL, checksum and options.</para>
/// <para>Thread-safe (a singleton shared by every AH SA); per packet it allocates nothing, unless the IP headers in
/// front of AH exceed 512 bytes, when the saved copy comes from the shared array pool.</para>
/// </remarks>
public sealed class AhTransform : IXfrmType
{
    // Larger than any ICV of the table (HMAC-SHA-512: 32 bytes).
    private const int MaxIcvLength = 64;
    private const int StackSavedHeaders = 512;

    private readonly CryptoEngineList _engines;
    private readonly ulong _firstIv;

    /// <summary>Creates a transform whose keys come from the first of <paramref name="engines"/> supporting each algorithm.</summary>
    /// <exception cref="ArgumentException"><paramref name="engines"/> is empty or holds null.</exception>
    public AhTransform(IReadOnlyList<ICryptoEngine> engines)
        : this(engines, 0)
    {
    }

    /// <summary>Creates a transform on <paramref name="engines"/> whose AES-GMAC SAs send IV <paramref name="firstIv"/> first (tests only).</summary>
    internal AhTransform(IReadOnlyList<ICryptoEngine> engines, ulong firstIv)
        : this(new CryptoEngineList(engines), firstIv)
    {
    }

    private AhTransform(CryptoEngineList engines, ulong firstIv)
    {
        _engines = engines;
        _firstIv = firstIv;
    }

    /// <summary>The transform on <see cref="PortableCryptoEngine.Instance"/>; the AES-GMAC IV counter of each SA starts at 0.</summary>
    public static AhTransform Instance { get; } = new(CryptoEngineList.Portable, 0);

    /// <inheritdoc/>
    public IpsecProtocol Protocol => IpsecProtocol.Ah;

    /// <summary>
    /// Prepares the SA's key. <see cref="TransformStatus.Unsupported"/> when the SA is not AH, carries an encryption or
    /// compression algorithm, has no authentication algorithm, its id is not an integrity algorithm of the
    /// <see cref="AlgorithmTable"/> or is NULL (AH with no integrity would protect nothing), the key's bit count does
    /// not cover its bytes, no engine supports the algorithm, the engine refuses the key, or the SA was prepared
    /// before and destroyed (preparing it again would restart the AES-GMAC IV counter under the same key). Calling it
    /// again on a prepared SA changes nothing and returns <see cref="TransformStatus.Ok"/>.
    /// </summary>
    public TransformStatus Init(SecurityAssociation sa)
    {
        if (TransformState.TryGetPrepared<AhState>(sa, out TransformStatus preparedStatus))
        {
            return preparedStatus;
        }

        if (sa.TypeState is not null
            || sa.Protocol != IpsecProtocol.Ah
            || sa.Encryption is not null
            || sa.Compression is not null
            || sa.Authentication is not { } authentication
            || authentication.KeyBits != authentication.Key.Length * 8
            || !AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Integrity, authentication.Id, out AlgorithmInfo? algorithm)
            || algorithm.Primitive == CryptoPrimitive.NullIntegrity)
        {
            return TransformStatus.Unsupported;
        }

        AhState? state = algorithm.UsesAeadKey
            ? PrepareGmac(algorithm, authentication.Key, sa.ExtendedSequenceNumbers)
            : PrepareMac(algorithm, authentication.Key, sa.ExtendedSequenceNumbers);
        return TransformState.Install(sa, state);
    }

    /// <summary>
    /// Disposes the SA's key. The SA keeps a tombstone, so later packets get <see cref="TransformStatus.Unsupported"/>
    /// and <see cref="Init"/> refuses it. Safe to call more than once.
    /// </summary>
    public void Destroy(SecurityAssociation sa) => TransformState.Destroy<AhState>(sa);

    /// <summary>
    /// The AH header: 12 fixed bytes, the IV (AES-GMAC: 8) and the ICV, padded to 8 bytes when the SA's addresses are
    /// IPv6 and to 4 when IPv4 (RFC 4302 §3.3.3.2.1). Sizes come from the algorithm table when the SA is not prepared.
    /// </summary>
    public int HeaderLength(SecurityAssociation sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        int ivLength = 0;
        int icvLength = 0;
        if (sa.TypeState is AhState state)
        {
            (ivLength, icvLength) = (state.IvLength, state.IcvLength);
        }
        else if (sa.Authentication is { } authentication
            && AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Integrity, authentication.Id, out AlgorithmInfo? algorithm))
        {
            (ivLength, icvLength) = (algorithm.IvLength, algorithm.IcvLength);
        }

        return AhHeader.Length(sa.Destination.Version, ivLength, icvLength);
    }

    /// <summary>Always 0: AH appends nothing.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    public int TrailerLength(SecurityAssociation sa, int payloadLength) => TransformState.NoTrailer(sa, payloadLength);

    /// <summary>
    /// Fills the gap with the AH header (next header = <see cref="Packet.InnerProtocol"/>, a fresh IV for AES-GMAC),
    /// names AH (51) in the byte at <see cref="Packet.NextHeaderFieldOffset"/>, writes the IP length fields (the ICV
    /// covers them; the mode writes the same values again) and computes the ICV. Statuses: <see cref="TransformStatus.Ok"/>;
    /// <see cref="TransformStatus.Unsupported"/> when the SA is not prepared (or destroyed);
    /// <see cref="TransformStatus.Malformed"/> when the packet does not follow the output layout contract or its IP
    /// headers are malformed; <see cref="TransformStatus.NoRoom"/> when AES-GMAC with ESN cannot get 4 bytes of
    /// tailroom; <see cref="TransformStatus.IvExhausted"/> when an AES-GMAC SA has used every IV.
    /// </summary>
    /// <param name="sequence">The sequence number; its low 32 bits go on the wire, all 64 into the ICV with ESN.</param>
    public TransformStatus Output(SecurityAssociation sa, Packet packet, ulong sequence)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        if (sa.TypeState is not AhState state || state.IsDisposed)
        {
            return TransformStatus.Unsupported;
        }

        int ahLength = HeaderLength(sa);
        if (!TryLocate(packet, ahLength, out int network, out int ahOffset, out IpVersion version)
            || packet.NextHeaderFieldOffset < 0
            || network + packet.NextHeaderFieldOffset >= ahOffset)
        {
            return TransformStatus.Malformed;
        }

        if (state.AppendsInPacket && !packet.TryEnsureRoom(0, AhState.SequenceHighLength))
        {
            return TransformStatus.NoRoom;
        }

        Span<byte> data = packet.Data;
        Span<byte> ah = data.Slice(ahOffset, ahLength);
        AhHeader.Write(ah, ahLength, packet.InnerProtocol, sa.Spi, (uint)sequence);
        if (!state.TryWriteIv(ah.Slice(AhHeader.FixedLength, state.IvLength)))
        {
            return TransformStatus.IvExhausted;
        }

        int icvOffset = AhHeader.FixedLength + state.IvLength;
        ah[icvOffset..].Clear(); // the ICV field is zero in the ICV input; padding is sent as zeros
        data[network + packet.NextHeaderFieldOffset] = (byte)IpProtocol.Ah;
        if (!ModePacket.TryWriteLengths(packet))
        {
            return TransformStatus.Malformed;
        }

        Span<byte> icv = stackalloc byte[MaxIcvLength];
        icv = icv[..state.IcvLength];
        TransformStatus status = Authenticate(state, packet, version, ahOffset - network, sequence, icv, verify: false);
        if (status == TransformStatus.Ok)
        {
            icv.CopyTo(packet.Data.Slice(ahOffset + icvOffset, state.IcvLength));
        }

        return status;
    }

    /// <summary>
    /// Verifies the ICV of the AH packet at the transport header mark (constant time), then removes the AH header so
    /// the data is [IP header(s)][payload] with the transport mark on the payload and <see cref="Packet.InnerProtocol"/>
    /// set from the header's next header. Statuses: <see cref="TransformStatus.Ok"/>;
    /// <see cref="TransformStatus.IntegrityFailed"/> when the ICV does not verify;
    /// <see cref="TransformStatus.Malformed"/> when the header's length is too short for the SA's IV and ICV or runs
    /// past the packet, or the IP headers in front of it are malformed; <see cref="TransformStatus.NoRoom"/> when
    /// AES-GMAC with ESN cannot get 4 bytes of tailroom; <see cref="TransformStatus.Unsupported"/> when the SA is not
    /// prepared (or destroyed). On any status but Ok the packet is not in a usable layout.
    /// </summary>
    /// <param name="sequenceHigh">The ESN high half the replay check inferred; ignored without ESN.</param>
    public TransformStatus Input(SecurityAssociation sa, Packet packet, uint sequenceHigh)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        if (sa.TypeState is not AhState state || state.IsDisposed)
        {
            return TransformStatus.Unsupported;
        }

        int icvOffset = AhHeader.FixedLength + state.IvLength;
        if (!TryLocate(packet, icvOffset + state.IcvLength, out int network, out int ahOffset, out IpVersion version))
        {
            return TransformStatus.Malformed;
        }

        int ahLength = AhHeader.StatedLength(packet.Data[ahOffset..]);
        if (ahLength < icvOffset + state.IcvLength || ahOffset + ahLength > packet.Length)
        {
            return TransformStatus.Malformed;
        }

        if (state.AppendsInPacket && !packet.TryEnsureRoom(0, AhState.SequenceHighLength))
        {
            return TransformStatus.NoRoom;
        }

        Span<byte> data = packet.Data;
        Span<byte> ah = data.Slice(ahOffset, ahLength);
        Span<byte> received = stackalloc byte[MaxIcvLength];
        received = received[..state.IcvLength];
        Span<byte> icvField = ah.Slice(icvOffset, state.IcvLength);
        icvField.CopyTo(received);
        icvField.Clear();
        ulong sequence = ((ulong)sequenceHigh << 32) | AhHeader.ReadSequenceNumber(ah);
        var nextHeader = (IpProtocol)ah[AhHeader.NextHeaderOffset];
        TransformStatus status = Authenticate(state, packet, version, ahOffset - network, sequence, received, verify: true);
        if (status != TransformStatus.Ok)
        {
            return status;
        }

        packet.StripHeader(ahOffset, ahLength);
        packet.InnerProtocol = nextHeader;
        return TransformStatus.Ok;
    }

    /// <summary>Finds the network header and the AH header, checks at least <paramref name="ahLength"/> bytes follow it and reads the IP version.</summary>
    private static bool TryLocate(Packet packet, int ahLength, out int network, out int ahOffset, out IpVersion version)
    {
        (network, ahOffset, version) = (0, 0, IpVersion.V4);
        if (!packet.HasNetworkHeader || !packet.HasTransportHeader)
        {
            return false;
        }

        (network, ahOffset) = (packet.NetworkOffset, packet.TransportOffset);
        if (network < 0 || ahOffset <= network || ahOffset + ahLength > packet.Length)
        {
            return false;
        }

        int ipVersion = packet.Data[network] >> 4;
        version = ipVersion == 6 ? IpVersion.V6 : IpVersion.V4;
        return ipVersion is 4 or 6;
    }

    /// <summary>
    /// Prepares the IP header(s) in front of AH for the ICV in place, computes or verifies it over the packet from the
    /// network header, and restores the saved header bytes whatever the outcome.
    /// </summary>
    private static TransformStatus Authenticate(
        AhState state, Packet packet, IpVersion version, int headersLength, ulong sequence, Span<byte> icv, bool verify)
    {
        byte[]? rented = null;
        Span<byte> saved = headersLength <= StackSavedHeaders
            ? stackalloc byte[StackSavedHeaders]
            : (rented = ArrayPool<byte>.Shared.Rent(headersLength));
        saved = saved[..headersLength];
        int network = packet.NetworkOffset;
        packet.Data.Slice(network, headersLength).CopyTo(saved);
        try
        {
            if (!AhMutableFields.TryPrepare(packet.Data.Slice(network, headersLength), version))
            {
                return TransformStatus.Malformed;
            }

            int ivOffset = headersLength + AhHeader.FixedLength;
            return verify
                ? state.Verify(packet, ivOffset, sequence, icv)
                : state.Compute(packet, ivOffset, sequence, icv);
        }
        finally
        {
            saved.CopyTo(packet.Data.Slice(network, headersLength));
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private AhState? PrepareMac(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, bool extendedSequenceNumbers)
    {
        if (_engines.CreateIntegrityKey(algorithm, keyMaterial, out IIntegrityKey? key) != KeyCreateStatus.Created)
        {
            return null;
        }

        if (key!.IcvLength > MaxIcvLength)
        {
            key.Dispose();
            return null;
        }

        return new AhState(key, extendedSequenceNumbers);
    }

    private AhState? PrepareGmac(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, bool extendedSequenceNumbers)
    {
        if (_engines.CreateAeadKey(algorithm, keyMaterial, out IAeadKey? key) != KeyCreateStatus.Created)
        {
            return null;
        }

        if (key!.IvLength != IvCounter.Length || key.TagLength > MaxIcvLength)
        {
            key.Dispose();
            return null;
        }

        return new AhState(key, extendedSequenceNumbers, _firstIv);
    }
}

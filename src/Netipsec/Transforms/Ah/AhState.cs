using System.Buffers.Binary;
using Netipsec.Crypto;
using Netipsec.Packets;

namespace Netipsec.Transforms.Ah;

/// <summary>
/// What <see cref="AhTransform.Init"/> prepares for one AH SA (kept in the SA's TypeState): an integrity key
/// (HMAC-MD5/SHA-1/SHA-2, AES-XCBC, AES-CMAC), or an AES-GMAC key with its explicit IV counter (RFC 4543 §4).
/// </summary>
/// <remarks>
/// <para>The ICV input is the IP packet from its first header to its end, mutable fields prepared and the ICV field
/// zeroed, followed with extended sequence numbers by the high 32 bits of the sequence number (RFC 4302 §2.5.1,
/// §3.3.3.1). A MAC key takes those 4 bytes as its appended span. AES-GMAC takes the whole input as associated data
/// and no plaintext, so the 4 bytes are put behind the packet for the call and trimmed off again: the caller makes
/// sure of <see cref="SequenceHighLength"/> bytes of tailroom first.</para>
/// <para>Thread-safe. <see cref="Dispose"/> disposes the key and leaves a tombstone, as ESP's state does.</para>
/// </remarks>
internal sealed class AhState : TransformState, IKeyedState
{
    /// <summary>Bytes of the sequence number's high half appended to the ICV input with ESN.</summary>
    internal const int SequenceHighLength = 4;

    private readonly IIntegrityKey? _mac;
    private readonly IAeadKey? _gmac;
    private readonly IvCounter? _iv;

    /// <summary>An SA protected by a MAC; takes ownership of <paramref name="mac"/>.</summary>
    internal AhState(IIntegrityKey mac, bool extendedSequenceNumbers)
    {
        _mac = mac;
        Algorithm = mac.Algorithm;
        IcvLength = mac.IcvLength;
        ExtendedSequenceNumbers = extendedSequenceNumbers;
    }

    /// <summary>An SA protected by AES-GMAC whose IV counter starts at <paramref name="firstIv"/>; takes ownership of <paramref name="gmac"/>.</summary>
    internal AhState(IAeadKey gmac, bool extendedSequenceNumbers, ulong firstIv)
    {
        _gmac = gmac;
        _iv = new IvCounter(firstIv);
        Algorithm = gmac.Algorithm;
        IvLength = gmac.IvLength;
        IcvLength = gmac.TagLength;
        ExtendedSequenceNumbers = extendedSequenceNumbers;
    }

    internal AlgorithmInfo Algorithm { get; }

    public string EngineName => ((ICryptoKey?)_mac ?? _gmac!).EngineName;

    /// <summary>Bytes of explicit IV in the header (8 for AES-GMAC, else 0).</summary>
    internal int IvLength { get; }

    internal int IcvLength { get; }

    internal bool ExtendedSequenceNumbers { get; }

    /// <summary>True when computing the ICV puts the sequence number's high half behind the packet for a moment.</summary>
    internal bool AppendsInPacket => _gmac is not null && ExtendedSequenceNumbers;

    /// <summary>Writes the next explicit IV (nothing for a MAC); false once the GMAC counter is used up.</summary>
    internal bool TryWriteIv(Span<byte> iv) => _iv is null || _iv.TryWrite(iv);

    /// <summary>
    /// Computes the ICV over <see cref="Packet.NetworkHeader"/> (prepared for the ICV, the IV at
    /// <paramref name="ivOffset"/> from the network header) into <paramref name="icv"/>.
    /// </summary>
    internal TransformStatus Compute(Packet packet, int ivOffset, ulong sequence, Span<byte> icv) =>
        Authenticate(packet, ivOffset, sequence, icv, verify: false);

    /// <summary>Verifies <paramref name="icv"/> (a copy, not the packet's zeroed field) over the packet in constant time.</summary>
    internal TransformStatus Verify(Packet packet, int ivOffset, ulong sequence, Span<byte> icv) =>
        Authenticate(packet, ivOffset, sequence, icv, verify: true);

    /// <summary>Disposes the key (its engine wipes the key schedule).</summary>
    private protected override void Release()
    {
        _mac?.Dispose();
        _gmac?.Dispose();
    }

    private static TransformStatus ToTransformStatus(CryptoStatus status) => status switch
    {
        CryptoStatus.Ok => TransformStatus.Ok,
        CryptoStatus.AuthenticationFailed => TransformStatus.IntegrityFailed,
        CryptoStatus.Disposed => TransformStatus.Unsupported,
        _ => TransformStatus.Malformed,
    };

    private TransformStatus Authenticate(Packet packet, int ivOffset, ulong sequence, Span<byte> icv, bool verify)
    {
        Span<byte> high = stackalloc byte[SequenceHighLength];
        BinaryPrimitives.WriteUInt32BigEndian(high, (uint)(sequence >> 32));
        if (_mac is not null)
        {
            ReadOnlySpan<byte> appended = ExtendedSequenceNumbers ? high : default;
            return ToTransformStatus(verify
                ? _mac.Verify(packet.NetworkHeader, appended, icv)
                : _mac.Compute(packet.NetworkHeader, appended, icv));
        }

        int originalLength = packet.Length;
        if (ExtendedSequenceNumbers)
        {
            high.CopyTo(packet.Put(SequenceHighLength));
        }

        try
        {
            Span<byte> covered = packet.NetworkHeader;
            ReadOnlySpan<byte> iv = covered.Slice(ivOffset, IvLength);
            return ToTransformStatus(verify
                ? _gmac!.Open(iv, covered, [], icv)
                : _gmac!.Seal(iv, covered, [], icv));
        }
        finally
        {
            packet.Trim(originalLength);
        }
    }
}

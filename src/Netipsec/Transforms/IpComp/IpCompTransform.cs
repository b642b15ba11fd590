using Netipsec.Crypto;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Transforms.IpComp;

/// <summary>
/// IPComp (RFC 3173) with DEFLATE (RFC 2394), the only compression algorithm it supports: SADB_X_CALG_DEFLATE (2).
/// The SA's SPI is the 16-bit CPI; IPComp has no sequence numbers and no anti-replay.
/// </summary>
/// <remarks>
/// <para>Output follows RFC 3173 §2.2's non-expansion policy. A payload at or below <see cref="DeflateThreshold"/>
/// bytes, one that does not shrink by more than the IPComp header, and every packet of a back-off period go out
/// uncompressed: the transform removes the mode's gap and writes <see cref="Packet.InnerProtocol"/> where IPComp's
/// number would have gone, returning <see cref="TransformStatus.Ok"/>. In transport mode the packet is then exactly
/// the original one; in tunnel mode it is plain IP-in-IP (protocol 4 or 41) between the SA's addresses, as RFC 3173
/// §3.3 and Linux's companion IPIP state have it. The receiver's Rx path takes IP-in-IP from the peer of an IPComp
/// tunnel SA as that SA's uncompressed packet: it decapsulates it under the SA's companion state, which satisfies only
/// an optional (<see cref="Policies.TemplateLevel.Use"/>) template, as in Linux; in transport mode the policy likewise
/// marks the IPComp template optional to accept the packets that skipped it.</para>
/// <para>Back-off: after <see cref="FailureThreshold"/> incompressible payloads in a row on one SA, the next
/// <see cref="SkipCount"/> packets of that SA go out without trying (the compressor's time is wasted on encrypted or
/// already compressed traffic); then compression is tried again.</para>
/// <para>Thread-safe: any number of threads may call <see cref="Output"/> and <see cref="Input"/> at once.
/// .NET 10 offers DEFLATE only as a stream, so each compressed or decompressed packet allocates one DeflateStream
/// (and zlib's native state); the scratch buffers are per thread and reused. Data-path methods never throw for packet
/// contents; <see langword="null"/> arguments throw.</para>
/// </remarks>
public sealed class IpCompTransform : IXfrmType
{
    /// <summary>SADB_X_CALG_DEFLATE.</summary>
    internal const byte DeflateId = 2;

    /// <summary>Payloads of this many bytes or fewer are not compressed (RFC 2394 §2 suggests 90 for DEFLATE).</summary>
    public const int DeflateThreshold = 90;

    /// <summary>The default of <see cref="FailureThreshold"/>.</summary>
    public const int DefaultFailureThreshold = 8;

    /// <summary>The default of <see cref="SkipCount"/>.</summary>
    public const int DefaultSkipCount = 32;

    /// <summary>
    /// Creates a transform whose SAs back off for <paramref name="skipCount"/> packets after
    /// <paramref name="failureThreshold"/> incompressible payloads in a row (a skip count of 0 never backs off).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is below 1 or the skip count negative.</exception>
    public IpCompTransform(int failureThreshold = DefaultFailureThreshold, int skipCount = DefaultSkipCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failureThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(skipCount);
        FailureThreshold = failureThreshold;
        SkipCount = skipCount;
    }

    /// <summary>The transform with the default back-off, as <see cref="XfrmTypeRegistry.CreateDefault"/> registers it.</summary>
    public static IpCompTransform Instance { get; } = new();

    /// <inheritdoc/>
    public IpsecProtocol Protocol => IpsecProtocol.IpComp;

    /// <summary>Incompressible payloads in a row, on one SA, that start a back-off.</summary>
    public int FailureThreshold { get; }

    /// <summary>Packets of one SA sent without trying to compress during a back-off.</summary>
    public int SkipCount { get; }

    /// <summary>Counters over every SA of this transform.</summary>
    public IpCompStatistics Statistics { get; } = new();

    /// <summary>
    /// Prepares the SA's back-off state. <see cref="TransformStatus.Unsupported"/> when the SA is not IPComp, carries an
    /// encryption or authentication algorithm, its compression algorithm is not DEFLATE, its SPI does not fit a 16-bit
    /// CPI, or it was prepared before and destroyed. Calling it again on a prepared SA returns
    /// <see cref="TransformStatus.Ok"/>.
    /// </summary>
    public TransformStatus Init(SecurityAssociation sa)
    {
        if (TransformState.TryGetPrepared<IpCompState>(sa, out TransformStatus preparedStatus))
        {
            return preparedStatus;
        }

        if (sa.TypeState is not null
            || sa.Protocol != IpsecProtocol.IpComp
            || sa.Encryption is not null
            || sa.Authentication is not null
            || sa.Compression is not { } compression
            || sa.Spi > ushort.MaxValue
            || !AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Compression, compression.Id, out AlgorithmInfo? info)
            || info.Primitive != CryptoPrimitive.Deflate)
        {
            Statistics.Increment(IpCompCounter.BadConfiguration);
            return TransformStatus.Unsupported;
        }

        sa.TypeState = new IpCompState();
        return TransformStatus.Ok;
    }

    /// <summary>Marks the SA destroyed: later packets get <see cref="TransformStatus.Unsupported"/>. Safe to call more than once.</summary>
    public void Destroy(SecurityAssociation sa) => TransformState.Destroy<IpCompState>(sa);

    /// <summary>The 4-byte IPComp header (RFC 3173 §2.2).</summary>
    public int HeaderLength(SecurityAssociation sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return IpCompHeader.Length;
    }

    /// <summary>None: IPComp has no trailer, and the payload never grows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    public int TrailerLength(SecurityAssociation sa, int payloadLength) => TransformState.NoTrailer(sa, payloadLength);

    /// <summary>
    /// Compresses the payload after the gap and fills the gap with the IPComp header, naming IPComp (108) in the byte at
    /// <see cref="Packet.NextHeaderFieldOffset"/>; or, by the non-expansion policy (see the remarks), removes the gap
    /// and names <see cref="Packet.InnerProtocol"/> there instead. Statuses: <see cref="TransformStatus.Ok"/> either
    /// way; <see cref="TransformStatus.Unsupported"/> when the SA is not prepared (or destroyed);
    /// <see cref="TransformStatus.Malformed"/> when the packet does not follow the output layout contract.
    /// </summary>
    /// <param name="sequence">Ignored: IPComp has no sequence numbers.</param>
    public TransformStatus Output(SecurityAssociation sa, Packet packet, ulong sequence)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        if (sa.TypeState is not IpCompState state || state.IsDisposed)
        {
            Statistics.Increment(IpCompCounter.NoTransform);
            return TransformStatus.Unsupported;
        }

        if (!packet.HasNetworkHeader || !packet.HasTransportHeader)
        {
            Statistics.Increment(IpCompCounter.HeaderDrops);
            return TransformStatus.Malformed;
        }

        int headerOffset = packet.TransportOffset;
        int protocolField = packet.NetworkOffset + packet.NextHeaderFieldOffset;
        int payloadOffset = headerOffset + IpCompHeader.Length;
        if (packet.NetworkOffset < 0 || packet.NextHeaderFieldOffset < 0 || protocolField >= headerOffset || payloadOffset > packet.Length)
        {
            Statistics.Increment(IpCompCounter.HeaderDrops);
            return TransformStatus.Malformed;
        }

        if (!IsIpHeader(packet.Data[packet.NetworkOffset]))
        {
            Statistics.Increment(IpCompCounter.NoProtocolFamily);
            return TransformStatus.Malformed;
        }

        int payloadLength = packet.Length - payloadOffset;
        Statistics.AddOutput(payloadLength);
        if (payloadLength <= DeflateThreshold)
        {
            Statistics.Increment(IpCompCounter.UncompressedSmall);
            return SendUncompressed(packet, headerOffset, protocolField);
        }

        if (state.TrySkip())
        {
            Statistics.Increment(IpCompCounter.Skipped);
            return SendUncompressed(packet, headerOffset, protocolField);
        }

        // Worth sending only if the packet shrinks: compressed data plus header smaller than the payload was.
        Span<byte> data = packet.Data;
        Span<byte> payload = data.Slice(payloadOffset, payloadLength);
        if (!DeflateCodec.TryCompress(payload, payload[..(payloadLength - IpCompHeader.Length - 1)], out int compressedLength))
        {
            Statistics.Increment(IpCompCounter.UncompressedIncompressible);
            state.RecordFailure(FailureThreshold, SkipCount);
            return SendUncompressed(packet, headerOffset, protocolField);
        }

        state.RecordSuccess();
        packet.Trim(payloadOffset + compressedLength);
        data = packet.Data;
        IpCompHeader.Write(data[headerOffset..], packet.InnerProtocol, (ushort)sa.Spi);
        data[protocolField] = (byte)IpProtocol.IpComp;
        Statistics.AddCompressed(sa.Compression!.Id);
        return TransformStatus.Ok;
    }

    /// <summary>
    /// Decompresses the payload after the IPComp header at the transport mark, then removes the header so the data is
    /// [IP header(s)][payload] with the transport mark on the payload and <see cref="Packet.InnerProtocol"/> set from
    /// the header. Statuses: <see cref="TransformStatus.Ok"/>; <see cref="TransformStatus.Malformed"/> when the header
    /// is truncated, the IP header is neither IPv4 nor IPv6, the data is not one whole DEFLATE stream (corrupt,
    /// truncated before its final block, or empty), or it decompresses to more than an IP packet can hold;
    /// <see cref="TransformStatus.Unsupported"/> when the SA is not prepared (or destroyed). On any status but Ok the
    /// packet is left as it was.
    /// </summary>
    /// <param name="sequenceHigh">Ignored: IPComp has no sequence numbers.</param>
    public TransformStatus Input(SecurityAssociation sa, Packet packet, uint sequenceHigh)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentNullException.ThrowIfNull(packet);
        if (sa.TypeState is not IpCompState state || state.IsDisposed)
        {
            Statistics.Increment(IpCompCounter.NoTransform);
            return TransformStatus.Unsupported;
        }

        if (!packet.HasNetworkHeader || !packet.HasTransportHeader || packet.NetworkOffset < 0
            || packet.TransportOffset <= packet.NetworkOffset || packet.TransportOffset + IpCompHeader.Length > packet.Length)
        {
            Statistics.Increment(IpCompCounter.HeaderDrops);
            return TransformStatus.Malformed;
        }

        int headerOffset = packet.TransportOffset;
        int payloadOffset = headerOffset + IpCompHeader.Length;
        ReadOnlySpan<byte> data = packet.Data;
        Statistics.AddInput(data.Length - payloadOffset);
        if (!IsIpHeader(data[packet.NetworkOffset]))
        {
            Statistics.Increment(IpCompCounter.NoProtocolFamily);
            return TransformStatus.Malformed;
        }

        IpProtocol nextHeader = IpCompHeader.ReadNextHeader(data[headerOffset..]);
        // The restored packet must still fit its IP length field: 16 bits of total length (IPv4) or payload length (IPv6).
        int ipv6Header = data[packet.NetworkOffset] >> 4 == 6 ? Ipv6Header.Length : 0;
        int limit = DeflateCodec.MaxPayload + ipv6Header - (headerOffset - packet.NetworkOffset);
        switch (DeflateCodec.TryDecompress(data[payloadOffset..], limit, out ReadOnlySpan<byte> decompressed))
        {
            case DeflateCodec.InflateStatus.TooLarge:
                Statistics.Increment(IpCompCounter.TooBig);
                return TransformStatus.Malformed;
            case DeflateCodec.InflateStatus.Corrupt:
                Statistics.Increment(IpCompCounter.Crypto);
                return TransformStatus.Malformed;
        }

        if (!packet.TryEnsureRoom(0, Math.Max(0, headerOffset + decompressed.Length - packet.Length)))
        {
            Statistics.Increment(IpCompCounter.Wrap);
            return TransformStatus.Malformed;
        }

        packet.Trim(headerOffset);
        decompressed.CopyTo(packet.Put(decompressed.Length));
        packet.SetTransportHeader(headerOffset);
        packet.InnerProtocol = nextHeader;
        Statistics.AddDecompressed(sa.Compression!.Id);
        return TransformStatus.Ok;
    }

    /// <summary>True for the first byte of an IPv4 or IPv6 header.</summary>
    private static bool IsIpHeader(byte versionByte) => versionByte >> 4 is 4 or 6;

    /// <summary>RFC 3173 §2.2: the payload goes as it is, with no IPComp header, under the protocol it already had.</summary>
    private static TransformStatus SendUncompressed(Packet packet, int gapOffset, int protocolField)
    {
        packet.StripHeader(gapOffset, IpCompHeader.Length);
        packet.Data[protocolField] = (byte)packet.InnerProtocol;
        return TransformStatus.Ok;
    }
}

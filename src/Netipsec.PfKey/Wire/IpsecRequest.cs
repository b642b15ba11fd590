using Netipsec.Packets;

namespace Netipsec.PfKey.Wire;

/// <summary>
/// One <c>struct sadb_x_ipsecrequest</c> of an X_POLICY extension (KAME), optionally followed by the tunnel's
/// source and destination sockaddrs:
/// <code>
/// | len (bytes) | proto | mode | level | reserved1 | reqid | reserved2 | [sockaddr src | sockaddr dst] |
///   0             2       4      5       6           8       12          16
/// </code>
/// Unlike every other PF_KEY length, <c>sadb_x_ipsecrequest_len</c> counts bytes.
/// </summary>
/// <param name="Protocol">ESP, AH or IPComp (the wire field is 16 bits; larger values are refused).</param>
/// <param name="Mode">Transport, tunnel or BEET; tunnel requires both tunnel addresses.</param>
/// <param name="Level">How strictly the SA is required.</param>
/// <param name="ReqId">Binds the request to SAs with the same reqid (level unique); 0 for none.</param>
public readonly record struct IpsecRequest(IpProtocol Protocol, IpsecMode Mode, IpsecLevel Level, uint ReqId)
{
    internal const int FixedLength = 16;
    private const int LengthOffset = 0;
    private const int ProtocolOffset = 2;
    private const int ModeOffset = 4;
    private const int LevelOffset = 5;
    private const int ReqIdOffset = 8;
    private const int AddressesOffset = 16;

    /// <summary>Outer source of the tunnel; set together with <see cref="TunnelDestination"/>, same family.</summary>
    public Sockaddr? TunnelSource { get; init; }

    /// <summary>Outer destination of the tunnel.</summary>
    public Sockaddr? TunnelDestination { get; init; }

    internal int EncodedLength => TunnelSource is { } source && TunnelDestination is { } destination
        ? AddressesOffset + source.Length + destination.Length
        : FixedLength;

    /// <summary>Reads the request at the start of <paramref name="source"/>, which runs to the end of the policy.</summary>
    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> source, out IpsecRequest value, out int length)
    {
        value = default;
        length = 0;
        if (source.Length < FixedLength)
        {
            return PfKeyParseError.BadIpsecRequest;
        }

        int declared = HostOrder.ReadUInt16(source[LengthOffset..]);
        ushort protocol = HostOrder.ReadUInt16(source[ProtocolOffset..]);
        if (declared < FixedLength || declared > source.Length || protocol > byte.MaxValue)
        {
            return PfKeyParseError.BadIpsecRequest;
        }

        var request = new IpsecRequest((IpProtocol)protocol, (IpsecMode)source[ModeOffset], (IpsecLevel)source[LevelOffset], HostOrder.ReadUInt32(source[ReqIdOffset..]));
        if (declared > FixedLength)
        {
            // Tunnel endpoints: two sockaddrs of one family, inside the request's own length.
            ReadOnlySpan<byte> addresses = source[AddressesOffset..declared];
            if (Sockaddr.TryRead(addresses, out Sockaddr tunnelSource, out int sourceLength) != PfKeyParseError.None
                || Sockaddr.TryRead(addresses[sourceLength..], out Sockaddr tunnelDestination, out _) != PfKeyParseError.None
                || tunnelSource.Family != tunnelDestination.Family)
            {
                return PfKeyParseError.BadIpsecRequest;
            }

            request = request with { TunnelSource = tunnelSource, TunnelDestination = tunnelDestination };
        }
        else if (request.Mode == IpsecMode.Tunnel)
        {
            return PfKeyParseError.BadIpsecRequest;
        }

        value = request;
        length = declared;
        return PfKeyParseError.None;
    }

    /// <exception cref="ArgumentException">Only one tunnel address is set, or the two differ in family.</exception>
    internal void Validate()
    {
        if (TunnelSource.HasValue != TunnelDestination.HasValue
            || (TunnelSource is { } source && TunnelDestination is { } destination && source.Family != destination.Family))
        {
            throw new ArgumentException("A request has both tunnel addresses, of one family, or neither.");
        }
    }

    internal void WriteTo(Span<byte> destination)
    {
        HostOrder.WriteUInt16(destination[LengthOffset..], (ushort)EncodedLength);
        HostOrder.WriteUInt16(destination[ProtocolOffset..], (ushort)Protocol);
        destination[ModeOffset] = (byte)Mode;
        destination[LevelOffset] = (byte)Level;
        HostOrder.WriteUInt32(destination[ReqIdOffset..], ReqId);
        if (TunnelSource is { } source && TunnelDestination is { } tunnelDestination)
        {
            source.WriteTo(destination[AddressesOffset..]);
            tunnelDestination.WriteTo(destination[(AddressesOffset + source.Length)..]);
        }
    }
}

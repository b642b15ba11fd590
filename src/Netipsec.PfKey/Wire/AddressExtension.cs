namespace Netipsec.PfKey.Wire;

/// <summary>
/// The address extensions (SRC, DST, PROXY, NAT_T_OA and Netipsec's NATT_LOC, NATT_REM, INNER_SRC, INNER_DST),
/// <c>struct sadb_address</c> followed by a sockaddr, padded to 8 bytes (RFC 2367 §2.3.3):
/// <code>
/// | len | exttype | proto | prefixlen | reserved | sockaddr_in (16) or sockaddr_in6 (28) | padding |
///   0     2         4       5           6          8
/// </code>
/// </summary>
/// <param name="Protocol">Upper-layer protocol the selector covers; 255 (IPSEC_ULPROTO_ANY) or 0 for any.</param>
/// <param name="PrefixLength">Prefix length of the selector, at most the address's bits.</param>
/// <param name="Sockaddr">The address and port.</param>
public readonly record struct AddressExtension(byte Protocol, byte PrefixLength, Sockaddr Sockaddr)
{
    internal const int FixedLength = 8;
    private const int ProtocolOffset = 4;
    private const int PrefixLengthOffset = 5;
    private const int SockaddrOffset = 8;

    internal int EncodedLength => PfKeyMessageWriter.Align(SockaddrOffset + Sockaddr.Length);

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out AddressExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        PfKeyParseError error = Sockaddr.TryRead(extension[SockaddrOffset..], out Sockaddr sockaddr, out _);
        if (error != PfKeyParseError.None)
        {
            return error;
        }

        byte prefixLength = extension[PrefixLengthOffset];
        if (prefixLength > sockaddr.Address.BitLength)
        {
            return PfKeyParseError.BadPrefixLength;
        }

        value = new AddressExtension(extension[ProtocolOffset], prefixLength, sockaddr);
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        extension[ProtocolOffset] = Protocol;
        extension[PrefixLengthOffset] = PrefixLength;
        Sockaddr.WriteTo(extension[SockaddrOffset..]);
    }
}

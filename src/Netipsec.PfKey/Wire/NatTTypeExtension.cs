namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_NAT_T_TYPE, <c>struct sadb_x_nat_t_type</c>: the UDP encapsulation of the SA.
/// <code>
/// | len | exttype | type | reserved (3) |
///   0     2         4      5
/// </code>
/// </summary>
/// <param name="Type">UDP_ENCAP_ESPINUDP (2, RFC 3948) or UDP_ENCAP_ESPINUDP_NON_IKE (1).</param>
public readonly record struct NatTTypeExtension(byte Type)
{
    internal const int FixedLength = 8;
    private const int TypeOffset = 4;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out NatTTypeExtension value)
    {
        if (extension.Length < FixedLength)
        {
            value = default;
            return PfKeyParseError.MalformedExtension;
        }

        value = new NatTTypeExtension(extension[TypeOffset]);
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension) => extension[TypeOffset] = Type;
}

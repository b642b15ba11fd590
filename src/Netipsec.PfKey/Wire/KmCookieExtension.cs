namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_KM_COOKIE (Netipsec 34), <c>struct sadb_x_kmc</c>: which key-management protocol made the SA, and a
/// value meaningful to that protocol.
/// <code>
/// | len | exttype | proto | cookie | reserved |
///   0     2         4       8        12
/// </code>
/// </summary>
public readonly record struct KmCookieExtension(uint Protocol, uint Cookie)
{
    internal const int FixedLength = 16;
    private const int ProtocolOffset = 4;
    private const int CookieOffset = 8;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out KmCookieExtension value)
    {
        if (extension.Length < FixedLength)
        {
            value = default;
            return PfKeyParseError.MalformedExtension;
        }

        value = new KmCookieExtension(HostOrder.ReadUInt32(extension[ProtocolOffset..]), HostOrder.ReadUInt32(extension[CookieOffset..]));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        HostOrder.WriteUInt32(extension[ProtocolOffset..], Protocol);
        HostOrder.WriteUInt32(extension[CookieOffset..], Cookie);
    }
}

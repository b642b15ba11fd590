using Netipsec.Packets;

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_FILTER, <c>struct sadb_x_filter</c>: restricts a DUMP to SAs between two prefixes.
/// <code>
/// | len | exttype | saddr (16) | daddr (16) | family | splen | dplen |
///   0     2         4            20           36       38      39
/// </code>
/// An IPv4 address fills the first 4 of its 16 bytes.
/// </summary>
public readonly record struct FilterExtension(IpAddress Source, byte SourcePrefixLength, IpAddress Destination, byte DestinationPrefixLength)
{
    internal const int FixedLength = 40;
    private const int SourceOffset = 4;
    private const int DestinationOffset = 20;
    private const int FamilyOffset = 36;
    private const int SourcePrefixOffset = 38;
    private const int DestinationPrefixOffset = 39;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out FilterExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        int addressLength = (SockaddrFamily)HostOrder.ReadUInt16(extension[FamilyOffset..]) switch
        {
            SockaddrFamily.Inet => 4,
            SockaddrFamily.Inet6 => 16,
            _ => 0,
        };
        if (addressLength == 0)
        {
            return PfKeyParseError.BadAddressFamily;
        }

        var filter = new FilterExtension(
            IpAddress.Read(extension.Slice(SourceOffset, addressLength)),
            extension[SourcePrefixOffset],
            IpAddress.Read(extension.Slice(DestinationOffset, addressLength)),
            extension[DestinationPrefixOffset]);
        if (filter.SourcePrefixLength > addressLength * 8 || filter.DestinationPrefixLength > addressLength * 8)
        {
            return PfKeyParseError.BadPrefixLength;
        }

        value = filter;
        return PfKeyParseError.None;
    }

    /// <exception cref="ArgumentException">The addresses differ in version, or are unset.</exception>
    internal void Validate()
    {
        if (Source.Version == IpVersion.None || Source.Version != Destination.Version)
        {
            throw new ArgumentException("A filter's two addresses have one version.");
        }
    }

    internal void WriteBody(Span<byte> extension)
    {
        Source.WriteTo(extension[SourceOffset..]);
        Destination.WriteTo(extension[DestinationOffset..]);
        HostOrder.WriteUInt16(extension[FamilyOffset..], (ushort)(Source.Version == IpVersion.V4 ? SockaddrFamily.Inet : SockaddrFamily.Inet6));
        extension[SourcePrefixOffset] = SourcePrefixLength;
        extension[DestinationPrefixOffset] = DestinationPrefixLength;
    }
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_EXT_SPIRANGE, <c>struct sadb_spirange</c> (RFC 2367 §2.3.9): the SPIs a GETSPI may choose from, in host order.
/// <code>
/// | len | exttype | min | max | reserved |
///   0     2         4     8     12
/// </code>
/// </summary>
public readonly record struct SpiRangeExtension(uint Min, uint Max)
{
    internal const int FixedLength = 16;
    private const int MinOffset = 4;
    private const int MaxOffset = 8;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out SpiRangeExtension value)
    {
        if (extension.Length < FixedLength)
        {
            value = default;
            return PfKeyParseError.MalformedExtension;
        }

        value = new SpiRangeExtension(HostOrder.ReadUInt32(extension[MinOffset..]), HostOrder.ReadUInt32(extension[MaxOffset..]));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        HostOrder.WriteUInt32(extension[MinOffset..], Min);
        HostOrder.WriteUInt32(extension[MaxOffset..], Max);
    }
}

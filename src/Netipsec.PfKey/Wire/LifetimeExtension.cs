namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_EXT_LIFETIME_CURRENT / HARD / SOFT, <c>struct sadb_lifetime</c> (RFC 2367 §2.3.2):
/// <code>
/// | len | exttype | allocations | bytes | addtime | usetime |
///   0     2         4             8       16        24..31
/// </code>
/// Times are seconds: for CURRENT, absolute (since the epoch); for HARD and SOFT, relative to the SA's creation and
/// first use. Zero means no limit.
/// </summary>
public readonly record struct LifetimeExtension(uint Allocations, ulong Bytes, ulong AddTime, ulong UseTime)
{
    internal const int FixedLength = 32;
    private const int AllocationsOffset = 4;
    private const int BytesOffset = 8;
    private const int AddTimeOffset = 16;
    private const int UseTimeOffset = 24;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out LifetimeExtension value)
    {
        if (extension.Length < FixedLength)
        {
            value = default;
            return PfKeyParseError.MalformedExtension;
        }

        value = new LifetimeExtension(
            HostOrder.ReadUInt32(extension[AllocationsOffset..]),
            HostOrder.ReadUInt64(extension[BytesOffset..]),
            HostOrder.ReadUInt64(extension[AddTimeOffset..]),
            HostOrder.ReadUInt64(extension[UseTimeOffset..]));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        HostOrder.WriteUInt32(extension[AllocationsOffset..], Allocations);
        HostOrder.WriteUInt64(extension[BytesOffset..], Bytes);
        HostOrder.WriteUInt64(extension[AddTimeOffset..], AddTime);
        HostOrder.WriteUInt64(extension[UseTimeOffset..], UseTime);
    }
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// One <c>struct sadb_x_ecomb</c> of an extended proposal (Netipsec header), 64 bytes, followed on the wire by
/// <see cref="AlgorithmCount"/> <see cref="AlgorithmDescriptor"/>s:
/// <code>
/// | numalgs | reserved | flags | reserved2 | soft/hard allocations | soft/hard bytes | soft/hard addtime | soft/hard usetime |
///   0         1          2       4           8                       16                32                  48..63
/// </code>
/// </summary>
public readonly record struct ExtendedCombination
{
    internal const int Length = 64;

    /// <summary>How many algorithm descriptors belong to this combination.</summary>
    public byte AlgorithmCount { get; init; }

    /// <summary>SADB_SAFLAGS_* bits that apply, e.g. PFS (the low 16 bits only).</summary>
    public ushort Flags { get; init; }

    public uint SoftAllocations { get; init; }

    public uint HardAllocations { get; init; }

    public ulong SoftBytes { get; init; }

    public ulong HardBytes { get; init; }

    public ulong SoftAddTime { get; init; }

    public ulong HardAddTime { get; init; }

    public ulong SoftUseTime { get; init; }

    public ulong HardUseTime { get; init; }

    internal static ExtendedCombination Read(ReadOnlySpan<byte> source) => new()
    {
        AlgorithmCount = source[0],
        Flags = HostOrder.ReadUInt16(source[2..]),
        SoftAllocations = HostOrder.ReadUInt32(source[8..]),
        HardAllocations = HostOrder.ReadUInt32(source[12..]),
        SoftBytes = HostOrder.ReadUInt64(source[16..]),
        HardBytes = HostOrder.ReadUInt64(source[24..]),
        SoftAddTime = HostOrder.ReadUInt64(source[32..]),
        HardAddTime = HostOrder.ReadUInt64(source[40..]),
        SoftUseTime = HostOrder.ReadUInt64(source[48..]),
        HardUseTime = HostOrder.ReadUInt64(source[56..]),
    };

    internal void WriteTo(Span<byte> destination)
    {
        destination[0] = AlgorithmCount;
        HostOrder.WriteUInt16(destination[2..], Flags);
        HostOrder.WriteUInt32(destination[8..], SoftAllocations);
        HostOrder.WriteUInt32(destination[12..], HardAllocations);
        HostOrder.WriteUInt64(destination[16..], SoftBytes);
        HostOrder.WriteUInt64(destination[24..], HardBytes);
        HostOrder.WriteUInt64(destination[32..], SoftAddTime);
        HostOrder.WriteUInt64(destination[40..], HardAddTime);
        HostOrder.WriteUInt64(destination[48..], SoftUseTime);
        HostOrder.WriteUInt64(destination[56..], HardUseTime);
    }
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// One <c>struct sadb_comb</c> of a PROPOSAL (RFC 2367 §2.3.8), 72 bytes:
/// <code>
/// | auth | encrypt | flags | auth min/max bits | encrypt min/max bits | reserved | soft/hard allocations |
///   0      1         2       4                   8                      12         16
/// | soft/hard bytes | soft/hard addtime | soft/hard usetime |
///   24                40                  56..71
/// </code>
/// </summary>
public readonly record struct Combination
{
    internal const int Length = 72;

    public AuthAlgorithm Auth { get; init; }

    public EncryptAlgorithm Encrypt { get; init; }

    /// <summary>SADB_SAFLAGS_* bits that apply (the low 16 bits only).</summary>
    public ushort Flags { get; init; }

    public ushort AuthMinBits { get; init; }

    public ushort AuthMaxBits { get; init; }

    public ushort EncryptMinBits { get; init; }

    public ushort EncryptMaxBits { get; init; }

    public uint SoftAllocations { get; init; }

    public uint HardAllocations { get; init; }

    public ulong SoftBytes { get; init; }

    public ulong HardBytes { get; init; }

    public ulong SoftAddTime { get; init; }

    public ulong HardAddTime { get; init; }

    public ulong SoftUseTime { get; init; }

    public ulong HardUseTime { get; init; }

    internal static Combination Read(ReadOnlySpan<byte> source) => new()
    {
        Auth = (AuthAlgorithm)source[0],
        Encrypt = (EncryptAlgorithm)source[1],
        Flags = HostOrder.ReadUInt16(source[2..]),
        AuthMinBits = HostOrder.ReadUInt16(source[4..]),
        AuthMaxBits = HostOrder.ReadUInt16(source[6..]),
        EncryptMinBits = HostOrder.ReadUInt16(source[8..]),
        EncryptMaxBits = HostOrder.ReadUInt16(source[10..]),
        SoftAllocations = HostOrder.ReadUInt32(source[16..]),
        HardAllocations = HostOrder.ReadUInt32(source[20..]),
        SoftBytes = HostOrder.ReadUInt64(source[24..]),
        HardBytes = HostOrder.ReadUInt64(source[32..]),
        SoftAddTime = HostOrder.ReadUInt64(source[40..]),
        HardAddTime = HostOrder.ReadUInt64(source[48..]),
        SoftUseTime = HostOrder.ReadUInt64(source[56..]),
        HardUseTime = HostOrder.ReadUInt64(source[64..]),
    };

    internal void WriteTo(Span<byte> destination)
    {
        destination[0] = (byte)Auth;
        destination[1] = (byte)Encrypt;
        HostOrder.WriteUInt16(destination[2..], Flags);
        HostOrder.WriteUInt16(destination[4..], AuthMinBits);
        HostOrder.WriteUInt16(destination[6..], AuthMaxBits);
        HostOrder.WriteUInt16(destination[8..], EncryptMinBits);
        HostOrder.WriteUInt16(destination[10..], EncryptMaxBits);
        HostOrder.WriteUInt32(destination[16..], SoftAllocations);
        HostOrder.WriteUInt32(destination[20..], HardAllocations);
        HostOrder.WriteUInt64(destination[24..], SoftBytes);
        HostOrder.WriteUInt64(destination[32..], HardBytes);
        HostOrder.WriteUInt64(destination[40..], SoftAddTime);
        HostOrder.WriteUInt64(destination[48..], HardAddTime);
        HostOrder.WriteUInt64(destination[56..], SoftUseTime);
        HostOrder.WriteUInt64(destination[64..], HardUseTime);
    }
}

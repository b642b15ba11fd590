namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_EPROP (Netipsec 33), <c>struct sadb_x_eprop</c> followed by <c>numecombs</c> groups, each an
/// <see cref="ExtendedCombination"/> and its <see cref="AlgorithmDescriptor"/>s:
/// <code>
/// | len | exttype | replay | reserved | numecombs | sadb_x_ecomb (64) | sadb_x_algdesc (8) × numalgs | next group ...
///   0     2         4        5          6           8
/// </code>
/// The groups tile the rest of the extension exactly. A view over the message.
/// </summary>
public readonly ref struct EpropExtension
{
    internal const int FixedLength = 8;
    private const int ReplayOffset = 4;
    private const int CountOffset = 6;
    private const int CombinationsOffset = 8;

    private readonly ReadOnlySpan<byte> _combinations;

    private EpropExtension(byte replayWindow, int count, ReadOnlySpan<byte> combinations)
    {
        ReplayWindow = replayWindow;
        Count = count;
        _combinations = combinations;
    }

    public byte ReplayWindow { get; }

    /// <summary>Number of extended combinations.</summary>
    public int Count { get; }

    public EpropEnumerator Combinations => new(_combinations, Count);

    internal static int EncodedLength(int combinationCount, int descriptorCount) =>
        CombinationsOffset + combinationCount * ExtendedCombination.Length + descriptorCount * AlgorithmDescriptor.Length;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out EpropExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        int count = HostOrder.ReadUInt16(extension[CountOffset..]);
        ReadOnlySpan<byte> rest = extension[CombinationsOffset..];
        for (int i = 0; i < count; i++)
        {
            if (rest.Length < ExtendedCombination.Length)
            {
                return PfKeyParseError.MalformedExtension;
            }

            int groupLength = ExtendedCombination.Length + rest[0] * AlgorithmDescriptor.Length;
            if (rest.Length < groupLength)
            {
                return PfKeyParseError.MalformedExtension;
            }

            rest = rest[groupLength..];
        }

        if (!rest.IsEmpty)
        {
            return PfKeyParseError.MalformedExtension;
        }

        value = new EpropExtension(extension[ReplayOffset], count, extension[CombinationsOffset..]);
        return PfKeyParseError.None;
    }

    /// <summary>Writes the groups; <paramref name="descriptors"/> are handed out in order, each combination taking its count.</summary>
    internal static void WriteBody(Span<byte> extension, byte replayWindow, ReadOnlySpan<ExtendedCombination> combinations, ReadOnlySpan<AlgorithmDescriptor> descriptors)
    {
        extension[ReplayOffset] = replayWindow;
        HostOrder.WriteUInt16(extension[CountOffset..], (ushort)combinations.Length);
        int offset = CombinationsOffset;
        int next = 0;
        foreach (ExtendedCombination combination in combinations)
        {
            combination.WriteTo(extension[offset..]);
            offset += ExtendedCombination.Length;
            for (int i = 0; i < combination.AlgorithmCount; i++)
            {
                descriptors[next++].WriteTo(extension[offset..]);
                offset += AlgorithmDescriptor.Length;
            }
        }
    }
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_EXT_PROPOSAL, <c>struct sadb_prop</c> followed by whole <see cref="Combination"/>s (RFC 2367 §2.3.8):
/// <code>
/// | len | exttype | replay | reserved (3) | sadb_comb[0] (72) | sadb_comb[1] ... |
///   0     2         4        5              8
/// </code>
/// A view over the message: combinations are decoded when asked for.
/// </summary>
public readonly ref struct ProposalExtension
{
    internal const int FixedLength = 8;
    private const int ReplayOffset = 4;
    private const int CombinationsOffset = 8;

    private readonly ReadOnlySpan<byte> _combinations;

    private ProposalExtension(byte replayWindow, ReadOnlySpan<byte> combinations)
    {
        ReplayWindow = replayWindow;
        _combinations = combinations;
    }

    /// <summary>Replay window size in packets the SA should get.</summary>
    public byte ReplayWindow { get; }

    public int Count => _combinations.Length / Combination.Length;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public Combination this[int index] => Combination.Read(FixedRecords.At(_combinations, Combination.Length, index));

    internal static int EncodedLength(int count) => CombinationsOffset + count * Combination.Length;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out ProposalExtension value)
    {
        value = default;
        if (!FixedRecords.TrySplit(extension, CombinationsOffset, Combination.Length, out ReadOnlySpan<byte> combinations))
        {
            return PfKeyParseError.MalformedExtension;
        }

        value = new ProposalExtension(extension[ReplayOffset], combinations);
        return PfKeyParseError.None;
    }

    internal static void WriteBody(Span<byte> extension, byte replayWindow, ReadOnlySpan<Combination> combinations)
    {
        extension[ReplayOffset] = replayWindow;
        for (int i = 0; i < combinations.Length; i++)
        {
            combinations[i].WriteTo(extension[(CombinationsOffset + i * Combination.Length)..]);
        }
    }
}

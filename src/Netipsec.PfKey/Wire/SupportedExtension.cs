namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_EXT_SUPPORTED_AUTH / SUPPORTED_ENCRYPT, <c>struct sadb_supported</c> followed by
/// <see cref="SupportedAlgorithm"/>s (RFC 2367 §2.3.7):
/// <code>
/// | len | exttype | reserved | sadb_alg[0] (8) | sadb_alg[1] ... |
///   0     2         4          8
/// </code>
/// A view over the message.
/// </summary>
public readonly ref struct SupportedExtension
{
    internal const int FixedLength = 8;
    private const int AlgorithmsOffset = 8;

    private readonly ReadOnlySpan<byte> _algorithms;

    private SupportedExtension(ReadOnlySpan<byte> algorithms) => _algorithms = algorithms;

    public int Count => _algorithms.Length / SupportedAlgorithm.Length;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public SupportedAlgorithm this[int index] => SupportedAlgorithm.Read(FixedRecords.At(_algorithms, SupportedAlgorithm.Length, index));

    internal static int EncodedLength(int count) => AlgorithmsOffset + count * SupportedAlgorithm.Length;

    // Extensions are whole 8-byte units and sadb_alg is 8 bytes, so any length past the header is whole algorithms.
    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out SupportedExtension value)
    {
        value = default;
        if (!FixedRecords.TrySplit(extension, AlgorithmsOffset, SupportedAlgorithm.Length, out ReadOnlySpan<byte> algorithms))
        {
            return PfKeyParseError.MalformedExtension;
        }

        value = new SupportedExtension(algorithms);
        return PfKeyParseError.None;
    }

    internal static void WriteBody(Span<byte> extension, ReadOnlySpan<SupportedAlgorithm> algorithms)
    {
        for (int i = 0; i < algorithms.Length; i++)
        {
            algorithms[i].WriteTo(extension[(AlgorithmsOffset + i * SupportedAlgorithm.Length)..]);
        }
    }
}

namespace Netipsec.PfKey.Wire;

/// <summary>One extended combination of an <see cref="EpropExtension"/> with its algorithm descriptors (a view).</summary>
public readonly ref struct EpropEntry
{
    private readonly ReadOnlySpan<byte> _descriptors;

    internal EpropEntry(ExtendedCombination combination, ReadOnlySpan<byte> descriptors)
    {
        Combination = combination;
        _descriptors = descriptors;
    }

    public ExtendedCombination Combination { get; }

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below the combination's algorithm count.</exception>
    public AlgorithmDescriptor this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, (int)Combination.AlgorithmCount);
            return AlgorithmDescriptor.Read(_descriptors.Slice(index * AlgorithmDescriptor.Length, AlgorithmDescriptor.Length));
        }
    }
}

namespace Netipsec.PfKey.Wire;

/// <summary>Walks the combinations of a validated <see cref="EpropExtension"/>; usable directly in <c>foreach</c>.</summary>
public ref struct EpropEnumerator
{
    private ReadOnlySpan<byte> _rest;
    private int _remaining;

    internal EpropEnumerator(ReadOnlySpan<byte> combinations, int count)
    {
        _rest = combinations;
        _remaining = count;
    }

    public EpropEntry Current { get; private set; }

    public readonly EpropEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        // The parser checked every group fits; the length tests only keep a misuse from reading past the span.
        if (_remaining == 0 || _rest.Length < ExtendedCombination.Length)
        {
            return false;
        }

        var combination = ExtendedCombination.Read(_rest);
        int descriptorsLength = combination.AlgorithmCount * AlgorithmDescriptor.Length;
        if (_rest.Length - ExtendedCombination.Length < descriptorsLength)
        {
            return false;
        }

        Current = new EpropEntry(combination, _rest.Slice(ExtendedCombination.Length, descriptorsLength));
        _rest = _rest[(ExtendedCombination.Length + descriptorsLength)..];
        _remaining--;
        return true;
    }
}

namespace Netipsec.PfKey.Wire;

/// <summary>Walks the IPsec requests of a validated <see cref="PolicyExtension"/>; usable directly in <c>foreach</c>.</summary>
public ref struct IpsecRequestEnumerator
{
    private ReadOnlySpan<byte> _rest;

    internal IpsecRequestEnumerator(ReadOnlySpan<byte> requests) => _rest = requests;

    public IpsecRequest Current { get; private set; }

    public readonly IpsecRequestEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        // The parser accepted every request, so a failure here means the span was not a validated policy.
        if (_rest.IsEmpty || IpsecRequest.TryRead(_rest, out IpsecRequest request, out int length) != PfKeyParseError.None)
        {
            return false;
        }

        Current = request;
        _rest = _rest[length..];
        return true;
    }
}

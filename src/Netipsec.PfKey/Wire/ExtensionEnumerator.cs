namespace Netipsec.PfKey.Wire;

/// <summary>Walks the extensions of a parsed <see cref="PfKeyMessage"/> in wire order; usable directly in <c>foreach</c>.</summary>
public ref struct ExtensionEnumerator
{
    private ReadOnlySpan<byte> _rest;

    internal ExtensionEnumerator(ReadOnlySpan<byte> extensions) => _rest = extensions;

    public RawExtension Current { get; private set; }

    public readonly ExtensionEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        // The parser checked every length; the test only keeps a default-constructed message from misbehaving.
        int length = _rest.Length < PfKeyConstants.ExtensionHeaderLength ? 0 : HostOrder.ReadUInt16(_rest) * PfKeyConstants.Alignment;
        if (length == 0 || length > _rest.Length)
        {
            return false;
        }

        Current = new RawExtension((ExtensionType)HostOrder.ReadUInt16(_rest[2..]), _rest[..length]);
        _rest = _rest[length..];
        return true;
    }
}

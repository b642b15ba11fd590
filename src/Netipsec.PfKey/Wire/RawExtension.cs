namespace Netipsec.PfKey.Wire;

/// <summary>One extension of a parsed message as it sits on the wire: its type and all its bytes, header included.</summary>
public readonly ref struct RawExtension
{
    internal RawExtension(ExtensionType type, ReadOnlySpan<byte> bytes)
    {
        Type = type;
        Bytes = bytes;
    }

    public ExtensionType Type { get; }

    /// <summary>The whole extension, <c>sadb_ext_len</c> × 8 bytes, starting with its <c>sadb_ext</c> header.</summary>
    public ReadOnlySpan<byte> Bytes { get; }
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_KMPRIVATE, <c>struct sadb_x_kmprivate</c> followed by data only the key manager understands:
/// <code>
/// | len | exttype | reserved | opaque data, padded |
///   0     2         4          8
/// </code>
/// A view: <see cref="Data"/> is everything after the header, padding included (the wire keeps no finer length).
/// </summary>
public readonly ref struct KmPrivateExtension
{
    internal const int FixedLength = 8;
    private const int DataOffset = 8;

    public KmPrivateExtension(ReadOnlySpan<byte> data) => Data = data;

    public ReadOnlySpan<byte> Data { get; }

    internal int EncodedLength => PfKeyMessageWriter.Align(DataOffset + Data.Length);

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out KmPrivateExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        value = new KmPrivateExtension(extension[DataOffset..]);
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension) => Data.CopyTo(extension[DataOffset..]);
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_EXT_KEY_AUTH / KEY_ENCRYPT, <c>struct sadb_key</c> followed by the key, padded to 8 bytes (RFC 2367 §2.3.4):
/// <code>
/// | len | exttype | bits | reserved | key (ceil(bits / 8) bytes) | padding |
///   0     2         4      6          8
/// </code>
/// A view: <see cref="Key"/> points into the message (or the caller's buffer when writing); it is secret material,
/// so never log it.
/// </summary>
public readonly ref struct KeyExtension
{
    internal const int FixedLength = 8;
    private const int BitsOffset = 4;
    private const int KeyOffset = 8;

    /// <summary>A key of whole bytes: <see cref="Bits"/> is eight times its length.</summary>
    public KeyExtension(ReadOnlySpan<byte> key)
        : this(checked((ushort)(key.Length * 8)), key)
    {
    }

    /// <summary>A key of <paramref name="bits"/> bits held in <c>ceil(bits / 8)</c> bytes.</summary>
    /// <exception cref="ArgumentException">The key's length is not <c>ceil(bits / 8)</c>.</exception>
    public KeyExtension(ushort bits, ReadOnlySpan<byte> key)
    {
        if (key.Length != BytesFor(bits))
        {
            throw new ArgumentException("A key of that many bits has a different number of bytes.", nameof(key));
        }

        Bits = bits;
        Key = key;
    }

    public ushort Bits { get; }

    /// <summary>The key bytes: exactly <c>ceil(Bits / 8)</c>, without the padding.</summary>
    public ReadOnlySpan<byte> Key { get; }

    internal int EncodedLength => PfKeyMessageWriter.Align(KeyOffset + Key.Length);

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out KeyExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        ushort bits = HostOrder.ReadUInt16(extension[BitsOffset..]);
        int bytes = BytesFor(bits);
        if (bytes > extension.Length - KeyOffset)
        {
            return PfKeyParseError.KeyBitsTooLong;
        }

        value = new KeyExtension(bits, extension.Slice(KeyOffset, bytes));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        HostOrder.WriteUInt16(extension[BitsOffset..], Bits);
        Key.CopyTo(extension[KeyOffset..]);
    }

    private static int BytesFor(ushort bits) => (bits + 7) / 8;
}

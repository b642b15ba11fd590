namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_EXT_IDENTITY_SRC / IDENTITY_DST, <c>struct sadb_ident</c> optionally followed by a NUL-terminated string,
/// padded to 8 bytes (RFC 2367 §2.3.5):
/// <code>
/// | len | exttype | type | reserved | id | identity string, NUL, padding |
///   0     2         4      6          8    16
/// </code>
/// A view: <see cref="Text"/> points into the message.
/// </summary>
public readonly ref struct IdentityExtension
{
    internal const int FixedLength = 16;
    private const int TypeOffset = 4;
    private const int IdOffset = 8;
    private const int TextOffset = 16;

    /// <param name="type">What the identity names.</param>
    /// <param name="id">A numeric identity (e.g. a user id), 0 if unused.</param>
    /// <param name="text">The identity string without its NUL; empty for none. It must not contain a NUL.</param>
    /// <exception cref="ArgumentException"><paramref name="text"/> contains a NUL byte.</exception>
    public IdentityExtension(IdentityType type, ulong id, ReadOnlySpan<byte> text)
    {
        if (text.Contains((byte)0))
        {
            throw new ArgumentException("The identity string ends at its first NUL byte.", nameof(text));
        }

        Type = type;
        Id = id;
        Text = text;
    }

    public IdentityType Type { get; }

    public ulong Id { get; }

    /// <summary>The identity string's bytes up to (not including) the NUL; empty when there is none.</summary>
    public ReadOnlySpan<byte> Text { get; }

    // The string keeps a NUL after it so C readers can use it as a C string.
    internal int EncodedLength => Text.IsEmpty ? FixedLength : PfKeyMessageWriter.Align(TextOffset + Text.Length + 1);

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out IdentityExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        ReadOnlySpan<byte> text = extension[TextOffset..];
        int end = text.IndexOf((byte)0);
        value = new IdentityExtension(
            (IdentityType)HostOrder.ReadUInt16(extension[TypeOffset..]),
            HostOrder.ReadUInt64(extension[IdOffset..]),
            end < 0 ? text : text[..end]);
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        HostOrder.WriteUInt16(extension[TypeOffset..], (ushort)Type);
        HostOrder.WriteUInt64(extension[IdOffset..], Id);
        Text.CopyTo(extension[TextOffset..]);
    }
}

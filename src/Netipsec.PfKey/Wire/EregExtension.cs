using System.Runtime.InteropServices;

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_EREG (Netipsec 32), <c>struct sadb_x_ereg</c>: an extended REGISTER names the SA types the socket
/// wants extended ACQUIREs for.
/// <code>
/// | len | exttype | satypes ..., 0, padding |
///   0     2         4
/// </code>
/// The list ends at the first zero or at the end of the extension, which may be longer than the 8-byte structure.
/// A view over the message (or the caller's span when writing).
/// </summary>
public readonly ref struct EregExtension
{
    internal const int FixedLength = 8;
    private const int SaTypesOffset = 4;

    private readonly ReadOnlySpan<byte> _saTypes;

    /// <exception cref="ArgumentException"><paramref name="saTypes"/> contains <see cref="SaType.Unspecified"/>, which would end the list.</exception>
    public EregExtension(ReadOnlySpan<SaType> saTypes)
    {
        if (saTypes.Contains(SaType.Unspecified))
        {
            throw new ArgumentException("The SA type list ends at its first zero.", nameof(saTypes));
        }

        _saTypes = MemoryMarshal.AsBytes(saTypes);
    }

    private EregExtension(ReadOnlySpan<byte> saTypes) => _saTypes = saTypes;

    public int Count => _saTypes.Length;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public SaType this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return (SaType)_saTypes[index];
        }
    }

    // Always room for the terminating zero, as C readers scan for it.
    internal int EncodedLength => PfKeyMessageWriter.Align(SaTypesOffset + _saTypes.Length + 1);

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out EregExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        ReadOnlySpan<byte> saTypes = extension[SaTypesOffset..];
        int end = saTypes.IndexOf((byte)0);
        value = new EregExtension(end < 0 ? saTypes : saTypes[..end]);
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension) => _saTypes.CopyTo(extension[SaTypesOffset..]);
}

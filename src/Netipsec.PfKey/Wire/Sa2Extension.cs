namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_SA2, <c>struct sadb_x_sa2</c> (KAME): the SA's mode and reqid, which plain <c>sadb_sa</c> lacks.
/// <code>
/// | len | exttype | mode | reserved1 | reserved2 | sequence | reqid |
///   0     2         4      5           6           8          12
/// </code>
/// </summary>
public readonly record struct Sa2Extension(IpsecMode Mode, uint Sequence, uint ReqId)
{
    internal const int FixedLength = 16;
    private const int ModeOffset = 4;
    private const int SequenceOffset = 8;
    private const int ReqIdOffset = 12;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out Sa2Extension value)
    {
        if (extension.Length < FixedLength)
        {
            value = default;
            return PfKeyParseError.MalformedExtension;
        }

        value = new Sa2Extension((IpsecMode)extension[ModeOffset], HostOrder.ReadUInt32(extension[SequenceOffset..]), HostOrder.ReadUInt32(extension[ReqIdOffset..]));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        extension[ModeOffset] = (byte)Mode;
        HostOrder.WriteUInt32(extension[SequenceOffset..], Sequence);
        HostOrder.WriteUInt32(extension[ReqIdOffset..], ReqId);
    }
}

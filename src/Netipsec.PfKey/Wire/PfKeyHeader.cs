namespace Netipsec.PfKey.Wire;

/// <summary>
/// The base header, <c>struct sadb_msg</c> (RFC 2367 §2.2), 16 bytes:
/// <code>
/// | version | type | errno | satype | len (8-byte units) | reserved (diagnostic) | seq | pid |
///   0         1      2       3        4                    6                       8     12
/// </code>
/// The version is always PF_KEY_V2 and the length follows from the extensions, so neither is a property.
/// </summary>
/// <param name="Type">What the message asks or reports.</param>
/// <param name="SaType">The security service concerned, or unspecified.</param>
/// <param name="Sequence">Chosen by the sender; a reply carries the request's (and DUMP's last message 0).</param>
/// <param name="Pid">The sending process, 0 from the service itself.</param>
public readonly record struct PfKeyHeader(MessageType Type, SaType SaType, uint Sequence, uint Pid)
{
    internal const int Length = 16;
    private const int VersionOffset = 0;
    private const int TypeOffset = 1;
    private const int ErrnoOffset = 2;
    private const int SaTypeOffset = 3;
    private const int LengthOffset = 4;
    private const int ReservedOffset = 6;
    private const int SequenceOffset = 8;
    private const int PidOffset = 12;

    /// <summary><c>sadb_msg_errno</c>: why the request failed, or <see cref="PfKeyErrno.None"/>.</summary>
    public PfKeyErrno Errno { get; init; }

    /// <summary><c>sadb_x_msg_diagnostic</c> (<c>sadb_msg_reserved</c>): the detail behind <see cref="Errno"/>.</summary>
    public PfKeyDiagnostic Diagnostic { get; init; }

    /// <summary>Reads the fields after the version and length, which the parser checks itself.</summary>
    internal static PfKeyHeader Read(ReadOnlySpan<byte> message) =>
        new((MessageType)message[TypeOffset], (SaType)message[SaTypeOffset], HostOrder.ReadUInt32(message[SequenceOffset..]), HostOrder.ReadUInt32(message[PidOffset..]))
        {
            Errno = (PfKeyErrno)message[ErrnoOffset],
            Diagnostic = (PfKeyDiagnostic)HostOrder.ReadUInt16(message[ReservedOffset..]),
        };

    internal static byte ReadVersion(ReadOnlySpan<byte> message) => message[VersionOffset];

    internal static int ReadLengthUnits(ReadOnlySpan<byte> message) => HostOrder.ReadUInt16(message[LengthOffset..]);

    /// <summary>Writes all 16 bytes with <c>sadb_msg_len</c> = <paramref name="lengthUnits"/>.</summary>
    internal void WriteTo(Span<byte> destination, int lengthUnits)
    {
        destination[VersionOffset] = PfKeyConstants.Version;
        destination[TypeOffset] = (byte)Type;
        destination[ErrnoOffset] = (byte)Errno;
        destination[SaTypeOffset] = (byte)SaType;
        HostOrder.WriteUInt16(destination[LengthOffset..], (ushort)lengthUnits);
        HostOrder.WriteUInt16(destination[ReservedOffset..], (ushort)Diagnostic);
        HostOrder.WriteUInt32(destination[SequenceOffset..], Sequence);
        HostOrder.WriteUInt32(destination[PidOffset..], Pid);
    }
}

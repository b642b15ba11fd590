using System.Buffers.Binary;

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_NAT_T_SPORT / NAT_T_DPORT, <c>struct sadb_x_nat_t_port</c>: a UDP encapsulation port.
/// <code>
/// | len | exttype | port (network order) | reserved |
///   0     2         4                      6
/// </code>
/// </summary>
public readonly record struct NatTPortExtension(ushort Port)
{
    internal const int FixedLength = 8;
    private const int PortOffset = 4;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out NatTPortExtension value)
    {
        if (extension.Length < FixedLength)
        {
            value = default;
            return PfKeyParseError.MalformedExtension;
        }

        value = new NatTPortExtension(BinaryPrimitives.ReadUInt16BigEndian(extension[PortOffset..]));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension) => BinaryPrimitives.WriteUInt16BigEndian(extension[PortOffset..], Port);
}

using System.Buffers.Binary;

namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_X_EXT_PAIR (Netipsec 39), <c>struct sadb_x_pair</c>: the SPI of the SA paired with this one, in network
/// order like <c>sadb_sa_spi</c>.
/// <code>
/// | len | exttype | spi |
///   0     2         4
/// </code>
/// </summary>
public readonly record struct PairExtension(uint Spi)
{
    internal const int FixedLength = 8;
    private const int SpiOffset = 4;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out PairExtension value)
    {
        if (extension.Length < FixedLength)
        {
            value = default;
            return PfKeyParseError.MalformedExtension;
        }

        value = new PairExtension(BinaryPrimitives.ReadUInt32BigEndian(extension[SpiOffset..]));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension) => BinaryPrimitives.WriteUInt32BigEndian(extension[SpiOffset..], Spi);
}

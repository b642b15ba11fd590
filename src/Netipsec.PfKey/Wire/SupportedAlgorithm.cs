namespace Netipsec.PfKey.Wire;

/// <summary>
/// One <c>struct sadb_alg</c> of a SUPPORTED extension (RFC 2367 §2.3.7), 8 bytes:
/// <code>
/// | id | ivlen | minbits | maxbits | reserved |
///   0    1       2         4         6
/// </code>
/// </summary>
/// <param name="Id">An <see cref="AuthAlgorithm"/> or <see cref="EncryptAlgorithm"/> value, by the extension's type.</param>
/// <param name="IvBits">IV length in bits.</param>
/// <param name="MinBits">Shortest key in bits.</param>
/// <param name="MaxBits">Longest key in bits.</param>
public readonly record struct SupportedAlgorithm(byte Id, byte IvBits, ushort MinBits, ushort MaxBits)
{
    internal const int Length = 8;

    internal static SupportedAlgorithm Read(ReadOnlySpan<byte> source) =>
        new(source[0], source[1], HostOrder.ReadUInt16(source[2..]), HostOrder.ReadUInt16(source[4..]));

    internal void WriteTo(Span<byte> destination)
    {
        destination[0] = Id;
        destination[1] = IvBits;
        HostOrder.WriteUInt16(destination[2..], MinBits);
        HostOrder.WriteUInt16(destination[4..], MaxBits);
    }
}

namespace Netipsec.PfKey.Wire;

/// <summary>
/// One <c>struct sadb_x_algdesc</c> of an extended combination (Netipsec header), 8 bytes:
/// <code>
/// | satype | algtype | alg | reserved | minbits | maxbits |
///   0        1         2     3          4         6
/// </code>
/// </summary>
/// <param name="SaType">The security protocol the algorithm serves.</param>
/// <param name="Kind">Authentication, encryption or compression.</param>
/// <param name="Algorithm">An <see cref="AuthAlgorithm"/>, <see cref="EncryptAlgorithm"/> or <see cref="CompressAlgorithm"/> value, by <paramref name="Kind"/>.</param>
/// <param name="MinBits">Shortest key in bits.</param>
/// <param name="MaxBits">Longest key in bits.</param>
public readonly record struct AlgorithmDescriptor(SaType SaType, AlgorithmKind Kind, byte Algorithm, ushort MinBits, ushort MaxBits)
{
    internal const int Length = 8;

    internal static AlgorithmDescriptor Read(ReadOnlySpan<byte> source) =>
        new((SaType)source[0], (AlgorithmKind)source[1], source[2], HostOrder.ReadUInt16(source[4..]), HostOrder.ReadUInt16(source[6..]));

    internal void WriteTo(Span<byte> destination)
    {
        destination[0] = (byte)SaType;
        destination[1] = (byte)Kind;
        destination[2] = Algorithm;
        HostOrder.WriteUInt16(destination[4..], MinBits);
        HostOrder.WriteUInt16(destination[6..], MaxBits);
    }
}

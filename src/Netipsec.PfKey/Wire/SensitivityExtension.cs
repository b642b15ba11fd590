namespace Netipsec.PfKey.Wire;

/// <summary>
/// SADB_EXT_SENSITIVITY, <c>struct sadb_sens</c> followed by two bitmaps of 64-bit words (RFC 2367 §2.3.6):
/// <code>
/// | len | exttype | dpd | sens_level | sens_len | integ_level | integ_len | reserved | sens bitmap | integ bitmap |
///   0     2         4     8            9          10            11          12         16
/// </code>
/// A view: the bitmaps point into the message, as raw bytes (whole 64-bit words).
/// </summary>
public readonly ref struct SensitivityExtension
{
    internal const int FixedLength = 16;
    private const int DpdOffset = 4;
    private const int SensLevelOffset = 8;
    private const int SensWordsOffset = 9;
    private const int IntegLevelOffset = 10;
    private const int IntegWordsOffset = 11;
    private const int BitmapsOffset = 16;
    private const int WordLength = 8;

    /// <exception cref="ArgumentException">A bitmap is not whole 64-bit words, or longer than 255 words.</exception>
    public SensitivityExtension(uint dpd, byte sensitivityLevel, ReadOnlySpan<byte> sensitivityBitmap, byte integrityLevel, ReadOnlySpan<byte> integrityBitmap)
    {
        CheckBitmap(sensitivityBitmap, nameof(sensitivityBitmap));
        CheckBitmap(integrityBitmap, nameof(integrityBitmap));
        Dpd = dpd;
        SensitivityLevel = sensitivityLevel;
        SensitivityBitmap = sensitivityBitmap;
        IntegrityLevel = integrityLevel;
        IntegrityBitmap = integrityBitmap;
    }

    /// <summary>Domain of protection and interpretation.</summary>
    public uint Dpd { get; }

    public byte SensitivityLevel { get; }

    public ReadOnlySpan<byte> SensitivityBitmap { get; }

    public byte IntegrityLevel { get; }

    public ReadOnlySpan<byte> IntegrityBitmap { get; }

    internal int EncodedLength => BitmapsOffset + SensitivityBitmap.Length + IntegrityBitmap.Length;

    internal static PfKeyParseError TryRead(ReadOnlySpan<byte> extension, out SensitivityExtension value)
    {
        value = default;
        if (extension.Length < FixedLength)
        {
            return PfKeyParseError.MalformedExtension;
        }

        int sensBytes = extension[SensWordsOffset] * WordLength;
        int integBytes = extension[IntegWordsOffset] * WordLength;
        if (BitmapsOffset + sensBytes + integBytes > extension.Length)
        {
            return PfKeyParseError.MalformedExtension;
        }

        value = new SensitivityExtension(
            HostOrder.ReadUInt32(extension[DpdOffset..]),
            extension[SensLevelOffset],
            extension.Slice(BitmapsOffset, sensBytes),
            extension[IntegLevelOffset],
            extension.Slice(BitmapsOffset + sensBytes, integBytes));
        return PfKeyParseError.None;
    }

    internal void WriteBody(Span<byte> extension)
    {
        HostOrder.WriteUInt32(extension[DpdOffset..], Dpd);
        extension[SensLevelOffset] = SensitivityLevel;
        extension[SensWordsOffset] = (byte)(SensitivityBitmap.Length / WordLength);
        extension[IntegLevelOffset] = IntegrityLevel;
        extension[IntegWordsOffset] = (byte)(IntegrityBitmap.Length / WordLength);
        SensitivityBitmap.CopyTo(extension[BitmapsOffset..]);
        IntegrityBitmap.CopyTo(extension[(BitmapsOffset + SensitivityBitmap.Length)..]);
    }

    private static void CheckBitmap(ReadOnlySpan<byte> bitmap, string name)
    {
        if (bitmap.Length % WordLength != 0 || bitmap.Length / WordLength > byte.MaxValue)
        {
            throw new ArgumentException("A sensitivity bitmap is 0 to 255 whole 64-bit words.", name);
        }
    }
}

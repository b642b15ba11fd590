namespace Netipsec.PfKey.Wire;

/// <summary>
/// The body shape PROPOSAL and SUPPORTED share: a fixed header followed by records of one size (<c>sadb_comb</c>,
/// <c>sadb_alg</c>), which their views decode one at a time when asked.
/// </summary>
internal static class FixedRecords
{
    /// <summary>
    /// The records behind <paramref name="headerLength"/> bytes of header; false when the extension is shorter than
    /// the header or what follows it is not a whole number of <paramref name="recordLength"/>-byte records.
    /// </summary>
    internal static bool TrySplit(ReadOnlySpan<byte> extension, int headerLength, int recordLength, out ReadOnlySpan<byte> records)
    {
        records = default;
        if (extension.Length < headerLength || (extension.Length - headerLength) % recordLength != 0)
        {
            return false;
        }

        records = extension[headerLength..];
        return true;
    }

    /// <summary>The bytes of record <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not below the record count.</exception>
    internal static ReadOnlySpan<byte> At(ReadOnlySpan<byte> records, int recordLength, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, records.Length / recordLength);
        return records.Slice(index * recordLength, recordLength);
    }
}

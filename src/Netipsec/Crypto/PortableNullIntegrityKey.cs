namespace Netipsec.Crypto;

/// <summary>No integrity (SADB_X_AALG_NULL): a 0-byte ICV that always verifies, for confidentiality-only ESP.</summary>
internal sealed class PortableNullIntegrityKey(AlgorithmInfo algorithm) : PortableIntegrityKey(algorithm)
{
    private protected override void MacCore(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> mac)
    {
    }

    private protected override void ReleaseKey()
    {
    }
}

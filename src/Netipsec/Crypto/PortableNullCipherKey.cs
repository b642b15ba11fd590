namespace Netipsec.Crypto;

/// <summary>The NULL cipher (RFC 2410): no IV, data left as it is; only the length checks and disposal apply.</summary>
internal sealed class PortableNullCipherKey(AlgorithmInfo algorithm) : PortableCipherKey(algorithm)
{
    private protected override void EncryptCore(ReadOnlySpan<byte> iv, Span<byte> data)
    {
    }

    private protected override void DecryptCore(ReadOnlySpan<byte> iv, Span<byte> data)
    {
    }

    private protected override void ReleaseKey()
    {
    }
}

using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Netipsec.Crypto;

/// <summary>
/// AES-CMAC (RFC 4493), truncated to 96 bits for IPsec (RFC 4494), on BouncyCastle's <see cref="CMac"/>: .NET has no
/// CMAC, and the project does not write its own MACs. The AES key schedule and the CMAC subkeys are prepared once.
/// </summary>
/// <remarks>
/// <para>BouncyCastle's DoFinal allocates a small temporary per call (24 bytes, whatever the packet size).</para>
/// <para>BouncyCastle keeps the round keys and subkeys in managed arrays it offers no way to wipe; disposal re-keys the MAC
/// with zeros so this key's schedule is no longer referenced, and the garbage collector reclaims the old arrays.</para>
/// </remarks>
internal sealed class PortableAesCmacKey : PortableIntegrityKey
{
    private const int AesKeyLength = 16;
    private const int CmacLength = 16;

    private readonly CMac _mac;

    public PortableAesCmacKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> key)
        : base(algorithm)
    {
        _mac = new CMac(AesUtilities.CreateEngine());
        _mac.Init(new KeyParameter(key));
    }

    private protected override void MacCore(ReadOnlySpan<byte> data, ReadOnlySpan<byte> appended, Span<byte> mac)
    {
        _mac.BlockUpdate(data);
        _mac.BlockUpdate(appended);
        _mac.DoFinal(mac[..CmacLength]); // also resets the MAC for the next packet
    }

    private protected override void ReleaseKey() => _mac.Init(new KeyParameter(new byte[AesKeyLength]));
}

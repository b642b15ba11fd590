using Netipsec.Crypto;
using Netipsec.States;
using Netipsec.Tests.Packets;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>
/// One ESP algorithm suite the portable engine runs: an encryption id (cipher or AEAD) with its key material length
/// (salt or nonce included) and, for ciphers, an optional integrity id and key length.
/// </summary>
internal sealed record EspSuite(string Name, byte Encryption, int EncryptionKeyLength, byte? Authentication = null, int AuthenticationKeyLength = 0)
{
    // PF_KEY ids (AlgorithmTable).
    public const byte TripleDesCbc = 3;
    public const byte NullCipher = 11;
    public const byte AesCbc = 12;
    public const byte AesCtr = 13;
    public const byte AesCcm8 = 14;
    public const byte AesCcm12 = 15;
    public const byte AesCcm16 = 16;
    public const byte AesGcm12 = 19;
    public const byte AesGcm16 = 20;
    public const byte NullAesGmac = 23;
    public const byte ChaCha20Poly1305 = 250;
    public const byte HmacMd5 = 2;
    public const byte HmacSha1 = 3;
    public const byte HmacSha256 = 5;
    public const byte HmacSha384 = 6;
    public const byte HmacSha512 = 7;
    public const byte AesCmac = 250;
    public const byte NullIntegrity = 251;

    private static readonly EspSuite[] Aeads =
    [
        new("aes-gcm-12/128", AesGcm12, 20),
        new("aes-gcm-16/256", AesGcm16, 36),
        new("aes-ccm-8/128", AesCcm8, 19),
        new("aes-ccm-12/192", AesCcm12, 27),
        new("aes-ccm-16/256", AesCcm16, 35),
        new("chacha20-poly1305", ChaCha20Poly1305, 36),
        new("null-aes-gmac/128", NullAesGmac, 20),
        new("null-aes-gmac/256", NullAesGmac, 36),
    ];

    private static readonly (string Name, byte Id, int KeyLength)[] Ciphers =
    [
        ("aes-cbc/128", AesCbc, 16),
        ("aes-cbc/256", AesCbc, 32),
        ("aes-ctr/192", AesCtr, 28),
        ("3des-cbc", TripleDesCbc, 24),
        ("null", NullCipher, 0),
    ];

    private static readonly (string Name, byte Id, int KeyLength)[] Integrities =
    [
        ("hmac-sha1", HmacSha1, 20),
        ("hmac-sha256", HmacSha256, 32),
        ("hmac-sha384", HmacSha384, 48),
        ("hmac-sha512", HmacSha512, 64),
        ("aes-cmac", AesCmac, 16),
        ("hmac-md5", HmacMd5, 16),
    ];

    /// <summary>Every AEAD, and every cipher with every integrity algorithm and (NULL excepted) with none.</summary>
    public static IReadOnlyList<EspSuite> All { get; } = BuildAll();

    /// <summary>The suites with an ICV (all but confidentiality-only).</summary>
    public static IEnumerable<EspSuite> WithIntegrity => All.Where(s => s.IcvLength > 0);

    public AlgorithmInfo EncryptionInfo =>
        AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Encryption, Encryption, out AlgorithmInfo? info) ? info : throw new InvalidOperationException(Name);

    public int IcvLength => Authentication is { } id
        ? (AlgorithmTable.TryGetByPfKeyId(AlgorithmKind.Integrity, id, out AlgorithmInfo? info) ? info.IcvLength : throw new InvalidOperationException(Name))
        : EncryptionInfo.IcvLength;

    /// <summary>The bytes the encrypted part is padded to a multiple of.</summary>
    public int Alignment => Math.Max(4, EncryptionInfo.BlockSize);

    /// <summary>Key material of <paramref name="length"/> distinct bytes from <paramref name="first"/>, with no repeated 3DES thirds.</summary>
    public static byte[] Key(int length, byte first) => [.. Enumerable.Range(first, length).Select(b => (byte)b)];

    /// <summary>An unprepared transport SA between documentation addresses with the suite's algorithms.</summary>
    public SecurityAssociation Sa(bool extendedSequenceNumbers = false, uint spi = EspTestData.Spi) =>
        new(new SaId(TestPackets.V4Destination, spi, IpsecProtocol.Esp), TestPackets.V4Source, XfrmMode.Transport)
        {
            Encryption = EncryptionFor(spi),
            Authentication = AuthenticationFor(spi),
            ExtendedSequenceNumbers = extendedSequenceNumbers,
            ReplayWindowSize = 64,
        };

    /// <summary>The encryption algorithm with key material derived from <paramref name="spi"/>.</summary>
    public SaAlgorithm EncryptionFor(uint spi) => new(Encryption, Key(EncryptionKeyLength, (byte)(0x10 + spi)));

    /// <summary>The authentication algorithm with a key derived from <paramref name="spi"/>, or null.</summary>
    public SaAlgorithm? AuthenticationFor(uint spi) => Authentication is { } id ? new SaAlgorithm(id, Key(AuthenticationKeyLength, (byte)(0x80 + spi))) : null;

    public override string ToString() => Name;

    private static EspSuite[] BuildAll()
    {
        var suites = new List<EspSuite>(Aeads);
        foreach ((string cipherName, byte cipher, int cipherKey) in Ciphers)
        {
            foreach ((string macName, byte mac, int macKey) in Integrities)
            {
                suites.Add(new($"{cipherName}+{macName}", cipher, cipherKey, mac, macKey));
            }

            if (cipher != NullCipher)
            {
                suites.Add(new($"{cipherName} (confidentiality only)", cipher, cipherKey));
            }
        }

        return [.. suites];
    }
}

using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace Netipsec.Crypto;

/// <summary>
/// Every IPsec algorithm Netipsec knows: PF_KEY ids, setkey and XFRM names, key/IV/block/ICV sizes and the sadb_alg
/// entries of a PF_KEY REGISTER reply. The one table everything else (PF_KEY, setkey, transforms, engines) reads.
/// </summary>
/// <remarks>
/// <para>Ids are those of Linux's &lt;linux/pfkeyv2.h&gt;. Three algorithms have no Linux PF_KEY number (Linux configures
/// them over netlink only); this project numbers them from the top of the private range, below the KAME NULL
/// authentication (251), where Linux has never allocated:
/// ChaCha20-Poly1305 = encryption 250 (RFC 7634; FreeBSD's 15 and OpenBSD's 14 collide with Linux's AES-CCM ids),
/// AES-CMAC-96 = authentication 250 (Linux's 10 is SADB_X_AALG_SM3_256HMAC), and AES-GMAC for AH = authentication 249.
/// </para>
/// <para>ICV lengths follow the IPsec RFCs (HMAC-SHA-256 truncated to 128 bits, RFC 4868 §2.3), not the 96 bits
/// Linux's PF_KEY path historically applies to hmac(sha256).</para>
/// <para>Thread-safe: immutable after type initialisation. Lookups by id allocate nothing.</para>
/// </remarks>
public static class AlgorithmTable
{
    private const int IdSlots = 256;

    // RFC 4106 §8.1, RFC 7634 §2, RFC 4543 §5.1, RFC 3686 §5.1: 4 bytes; RFC 4309 §7.1: 3 bytes.
    private const int SaltBits4 = 32;
    private const int SaltBits3 = 24;

    // ESP IV of the counter-based modes (RFC 4106 §3.1, RFC 4309 §3.1, RFC 3686 §3.1, RFC 7634 §2).
    private const int ExplicitIv = 8;

    private static readonly AlgorithmInfo[] Rows = BuildRows();
    private static readonly AlgorithmInfo?[] AuthenticationById = Index(PfKeyAlgorithmSpace.Authentication);
    private static readonly AlgorithmInfo?[] EncryptionById = Index(PfKeyAlgorithmSpace.Encryption);
    private static readonly AlgorithmInfo?[] CompressionById = Index(PfKeyAlgorithmSpace.Compression);

    /// <summary>Every row, encryption first, then authentication, then compression.</summary>
    public static IReadOnlyList<AlgorithmInfo> All { get; } = new ReadOnlyCollection<AlgorithmInfo>(Rows);

    /// <summary>Finds the algorithm with PF_KEY id <paramref name="id"/> in <paramref name="space"/>; allocation-free.</summary>
    /// <returns>False for 0 (SADB_*ALG_NONE), ids out of 1..255 and ids the table does not know.</returns>
    public static bool TryGetByPfKeyId(PfKeyAlgorithmSpace space, int id, [NotNullWhen(true)] out AlgorithmInfo? algorithm)
    {
        algorithm = (uint)id < IdSlots ? SpaceIndex(space)[id] : null;
        return algorithm is not null;
    }

    /// <summary>Finds an algorithm by PF_KEY id, requiring <paramref name="kind"/> (e.g. an AEAD where ESP expects one).</summary>
    public static bool TryGetByPfKeyId(AlgorithmKind kind, int id, [NotNullWhen(true)] out AlgorithmInfo? algorithm)
    {
        PfKeyAlgorithmSpace space = kind switch
        {
            AlgorithmKind.Integrity => PfKeyAlgorithmSpace.Authentication,
            AlgorithmKind.Compression => PfKeyAlgorithmSpace.Compression,
            _ => PfKeyAlgorithmSpace.Encryption,
        };
        if (TryGetByPfKeyId(space, id, out algorithm) && algorithm.Kind == kind)
        {
            return true;
        }

        algorithm = null;
        return false;
    }

    /// <summary>
    /// Finds an algorithm by a setkey(8) name in <paramref name="space"/> (-E names in Encryption, -A in
    /// Authentication, -C in Compression), ignoring ASCII case. "null" and "aes-gmac" exist in two spaces.
    /// </summary>
    public static bool TryGetByName(PfKeyAlgorithmSpace space, ReadOnlySpan<char> name, [NotNullWhen(true)] out AlgorithmInfo? algorithm)
    {
        foreach (AlgorithmInfo row in Rows)
        {
            if (row.Space == space && row.HasName(name))
            {
                algorithm = row;
                return true;
            }
        }

        algorithm = null;
        return false;
    }

    /// <summary>
    /// Finds an algorithm by its Linux XFRM name and ICV length in bytes, as xfrm_aead_get_byname does: the three
    /// "rfc4106(gcm(aes))" rows differ only by ICV. Case-sensitive, like the kernel.
    /// </summary>
    public static bool TryGetByXfrmName(ReadOnlySpan<char> xfrmName, int icvLength, [NotNullWhen(true)] out AlgorithmInfo? algorithm)
    {
        foreach (AlgorithmInfo row in Rows)
        {
            if (row.XfrmName is not null && xfrmName.SequenceEqual(row.XfrmName) && row.IcvLength == icvLength)
            {
                algorithm = row;
                return true;
            }
        }

        algorithm = null;
        return false;
    }

    /// <summary>
    /// The sadb_alg entries of a PF_KEY REGISTER reply for <paramref name="space"/>: every algorithm of that space at
    /// least one of <paramref name="engines"/> supports, in id order. Compression has no REGISTER list and yields none.
    /// </summary>
    public static IReadOnlyList<SadbAlgorithm> GetRegisterEntries(PfKeyAlgorithmSpace space, IReadOnlyList<ICryptoEngine> engines)
    {
        ArgumentNullException.ThrowIfNull(engines);
        var entries = new List<SadbAlgorithm>();
        if (space == PfKeyAlgorithmSpace.Compression)
        {
            return entries;
        }

        foreach (AlgorithmInfo? row in SpaceIndex(space))
        {
            if (row is not null && AnySupports(engines, row))
            {
                entries.Add(row.Register);
            }
        }

        return entries;
    }

    private static bool AnySupports(IReadOnlyList<ICryptoEngine> engines, AlgorithmInfo algorithm)
    {
        for (int i = 0; i < engines.Count; i++)
        {
            if (engines[i].Supports(algorithm))
            {
                return true;
            }
        }

        return false;
    }

    private static AlgorithmInfo?[] SpaceIndex(PfKeyAlgorithmSpace space) => space switch
    {
        PfKeyAlgorithmSpace.Authentication => AuthenticationById,
        PfKeyAlgorithmSpace.Encryption => EncryptionById,
        _ => CompressionById,
    };

    private static AlgorithmInfo?[] Index(PfKeyAlgorithmSpace space)
    {
        var byId = new AlgorithmInfo?[IdSlots];
        foreach (AlgorithmInfo row in Rows)
        {
            if (row.Space == space)
            {
                byId[row.PfKeyId] = row;
            }
        }

        return byId;
    }

    private static AlgorithmInfo[] BuildRows() =>
    [
        // Encryption space: ciphers (RFC 4303 §3.2.1 pairs them with an integrity algorithm).
        Cipher(CryptoPrimitive.DesCbc, 2, ["des-cbc"], "cbc(des)", (64, 64, 0), iv: 8, block: 8, legacy: true, "RFC 2405", new(2, 8, 64, 64)),
        Cipher(CryptoPrimitive.TripleDesCbc, 3, ["3des-cbc"], "cbc(des3_ede)", (192, 192, 0), iv: 8, block: 8, legacy: true, "RFC 2451", new(3, 8, 192, 192)),
        Cipher(CryptoPrimitive.NullCipher, 11, ["null"], "ecb(cipher_null)", (0, 0, 0), iv: 0, block: 1, legacy: false, "RFC 2410", new(11, 0, 0, 0)),
        Cipher(CryptoPrimitive.AesCbc, 12, ["aes-cbc", "rijndael-cbc"], "cbc(aes)", (128, 256, 64), iv: 16, block: 16, legacy: false, "RFC 3602", new(12, 8, 128, 256)),
        new(AlgorithmKind.Cipher, CryptoPrimitive.AesCtr, 13, true, ["aes-ctr"], "rfc3686(ctr(aes))", (160, 288, 64), SaltBits4, ExplicitIv, 1, 0, false, "RFC 3686", new(13, 8, 160, 288)),

        // Encryption space: combined-mode algorithms (RFC 4303 §3.2.3).
        Ccm(14, "aes-ccm-8", icv: 8),
        Ccm(15, "aes-ccm-12", icv: 12),
        Ccm(16, "aes-ccm-16", icv: 16),
        Gcm(18, "aes-gcm-8", icv: 8),
        Gcm(19, "aes-gcm-12", icv: 12),
        Gcm(20, "aes-gcm-16", icv: 16),
        new(AlgorithmKind.Aead, CryptoPrimitive.AesGmac, 23, true, ["aes-gmac", "null-aes-gmac"], "rfc4543(gcm(aes))", (160, 288, 64), SaltBits4, ExplicitIv, 1, 16, false, "RFC 4543", new(23, 8, 128, 256)),
        new(AlgorithmKind.Aead, CryptoPrimitive.ChaCha20Poly1305, 250, false, ["chacha20-poly1305"], "rfc7539esp(chacha20,poly1305)", (288, 288, 0), SaltBits4, ExplicitIv, 1, 16, false, "RFC 7634", new(250, 8, 256, 256)),

        // Authentication space (RFC 4303 §3.2.2, RFC 4302 §2.6).
        Mac(CryptoPrimitive.HmacMd5, 2, true, ["hmac-md5"], "hmac(md5)", 128, icv: 12, legacy: true, "RFC 2403"),
        Mac(CryptoPrimitive.HmacSha1, 3, true, ["hmac-sha1"], "hmac(sha1)", 160, icv: 12, legacy: false, "RFC 2404"),
        Mac(CryptoPrimitive.HmacSha256, 5, true, ["hmac-sha256", "hmac-sha2-256"], "hmac(sha256)", 256, icv: 16, legacy: false, "RFC 4868"),
        Mac(CryptoPrimitive.HmacSha384, 6, true, ["hmac-sha384", "hmac-sha2-384"], "hmac(sha384)", 384, icv: 24, legacy: false, "RFC 4868"),
        Mac(CryptoPrimitive.HmacSha512, 7, true, ["hmac-sha512", "hmac-sha2-512"], "hmac(sha512)", 512, icv: 32, legacy: false, "RFC 4868"),
        Mac(CryptoPrimitive.AesXcbcMac, 9, true, ["aes-xcbc-mac"], "xcbc(aes)", 128, icv: 12, legacy: false, "RFC 3566"),
        Mac(CryptoPrimitive.AesCmac, 250, false, ["aes-cmac"], "cmac(aes)", 128, icv: 12, legacy: false, "RFC 4494"),
        new(AlgorithmKind.Integrity, CryptoPrimitive.AesGmac, 249, false, ["aes-gmac"], null, (160, 288, 64), SaltBits4, ExplicitIv, 1, 16, false, "RFC 4543", new(249, 8, 128, 256)),
        Mac(CryptoPrimitive.NullIntegrity, 251, true, ["null"], "digest_null", 0, icv: 0, legacy: false, "RFC 4303"),

        // Compression space (RFC 3173).
        Compression(CryptoPrimitive.Deflate, 2, "deflate", "RFC 2394"),
        Compression(CryptoPrimitive.Lzs, 3, "lzs", "RFC 2395"),
        Compression(CryptoPrimitive.Lzjh, 4, "lzjh", "RFC 3051"),
    ];

    private static AlgorithmInfo Cipher(
        CryptoPrimitive primitive, byte id, string[] names, string xfrmName, (int, int, int) keyBits, int iv, int block, bool legacy, string rfc, SadbAlgorithm register) =>
        new(AlgorithmKind.Cipher, primitive, id, true, names, xfrmName, keyBits, 0, iv, block, 0, legacy, rfc, register);

    private static AlgorithmInfo Gcm(byte id, string name, int icv) =>
        new(AlgorithmKind.Aead, CryptoPrimitive.AesGcm, id, true, [name], "rfc4106(gcm(aes))", (160, 288, 64), SaltBits4, ExplicitIv, 1, icv, false, "RFC 4106", new(id, 8, 128, 256));

    private static AlgorithmInfo Ccm(byte id, string name, int icv) =>
        new(AlgorithmKind.Aead, CryptoPrimitive.AesCcm, id, true, [name], "rfc4309(ccm(aes))", (152, 280, 64), SaltBits3, ExplicitIv, 1, icv, false, "RFC 4309", new(id, 8, 128, 256));

    private static AlgorithmInfo Mac(
        CryptoPrimitive primitive, byte id, bool linuxId, string[] names, string xfrmName, int keyBits, int icv, bool legacy, string rfc) =>
        new(AlgorithmKind.Integrity, primitive, id, linuxId, names, xfrmName, (keyBits, keyBits, 0), 0, 0, 1, icv, legacy, rfc,
            new(id, 0, (ushort)keyBits, (ushort)keyBits));

    private static AlgorithmInfo Compression(CryptoPrimitive primitive, byte id, string name, string rfc) =>
        new(AlgorithmKind.Compression, primitive, id, true, [name], name, (0, 0, 0), 0, 0, 1, 0, false, rfc, new(id, 0, 0, 0));
}

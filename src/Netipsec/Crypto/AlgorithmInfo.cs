using System.Collections.ObjectModel;

namespace Netipsec.Crypto;

/// <summary>
/// One row of the <see cref="AlgorithmTable"/>: how an IPsec algorithm is named, numbered and sized. Immutable and
/// shared; compare rows by reference.
/// </summary>
/// <remarks>
/// Key sizes count the whole key material an SA carries, salt or nonce included (RFC 4106 §8.1, RFC 4309 §7.1,
/// RFC 3686 §5.1, RFC 7634 §2, RFC 4543 §5.1), which is what setkey's -E/-A argument and the PF_KEY key extension hold.
/// </remarks>
public sealed class AlgorithmInfo
{
    private readonly string[] _names;

    internal AlgorithmInfo(
        AlgorithmKind kind,
        CryptoPrimitive primitive,
        byte pfKeyId,
        bool isLinuxPfKeyId,
        string[] names,
        string? xfrmName,
        (int Min, int Max, int Step) keyBits,
        int saltBits,
        int ivLength,
        int blockSize,
        int icvLength,
        bool isLegacy,
        string specification,
        SadbAlgorithm register)
    {
        Kind = kind;
        Primitive = primitive;
        PfKeyId = pfKeyId;
        IsLinuxPfKeyId = isLinuxPfKeyId;
        _names = names;
        Names = new ReadOnlyCollection<string>(names);
        XfrmName = xfrmName;
        MinKeyBits = keyBits.Min;
        MaxKeyBits = keyBits.Max;
        KeyBitsStep = keyBits.Step;
        SaltBits = saltBits;
        IvLength = ivLength;
        BlockSize = blockSize;
        IcvLength = icvLength;
        IsLegacy = isLegacy;
        Specification = specification;
        Register = register;
    }

    /// <summary>What the algorithm does in an SA.</summary>
    public AlgorithmKind Kind { get; }

    /// <summary>The construction engines implement.</summary>
    public CryptoPrimitive Primitive { get; }

    /// <summary>The PF_KEY number space <see cref="PfKeyId"/> belongs to.</summary>
    public PfKeyAlgorithmSpace Space => Kind switch
    {
        AlgorithmKind.Integrity => PfKeyAlgorithmSpace.Authentication,
        AlgorithmKind.Compression => PfKeyAlgorithmSpace.Compression,
        _ => PfKeyAlgorithmSpace.Encryption,
    };

    /// <summary>The id in sadb_sa_auth / sadb_sa_encrypt, as &lt;linux/pfkeyv2.h&gt; numbers it when <see cref="IsLinuxPfKeyId"/>.</summary>
    public byte PfKeyId { get; }

    /// <summary>
    /// True when Linux's &lt;linux/pfkeyv2.h&gt; defines <see cref="PfKeyId"/>; false for the numbers this project
    /// assigned to algorithms Linux configures only over netlink (see <see cref="AlgorithmTable"/>).
    /// </summary>
    public bool IsLinuxPfKeyId { get; }

    /// <summary>The setkey(8) name (-E, -A or -C argument); <see cref="Names"/>[0].</summary>
    public string Name => _names[0];

    /// <summary>Every setkey name accepted for the algorithm, the canonical one first, then aliases (e.g. "rijndael-cbc").</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The Linux crypto API name XFRM uses (e.g. "rfc4106(gcm(aes))"), or null when Linux has none.</summary>
    public string? XfrmName { get; }

    /// <summary>The shortest key material in bits, salt or nonce included.</summary>
    public int MinKeyBits { get; }

    /// <summary>The longest key material in bits, salt or nonce included.</summary>
    public int MaxKeyBits { get; }

    /// <summary>The step between valid key sizes in bits; 0 when <see cref="MinKeyBits"/> is the only size.</summary>
    public int KeyBitsStep { get; }

    /// <summary>Bits of salt or nonce at the end of the key material (0 for algorithms without one).</summary>
    public int SaltBits { get; }

    /// <summary>Bytes of explicit IV each ESP packet carries (0 when none).</summary>
    public int IvLength { get; }

    /// <summary>The block size in bytes the ESP payload is padded to before the 4-byte alignment (1 for stream-like modes).</summary>
    public int BlockSize { get; }

    /// <summary>The ICV length in bytes: the AEAD tag, or the truncated MAC of an integrity algorithm (0 for none).</summary>
    public int IcvLength { get; }

    /// <summary>True for algorithms kept only to talk to old peers (RFC 8221: DES, 3DES, HMAC-MD5).</summary>
    public bool IsLegacy { get; }

    /// <summary>The specification of its use in IPsec, e.g. "RFC 4106".</summary>
    public string Specification { get; }

    /// <summary>The sadb_alg entry a PF_KEY REGISTER reply carries for it when an engine supports it.</summary>
    public SadbAlgorithm Register { get; }

    /// <summary>True when an IAeadKey implements it: the AEADs, and AES-GMAC also as an AH integrity algorithm (it needs a per-packet IV).</summary>
    public bool UsesAeadKey => Primitive is CryptoPrimitive.AesGcm or CryptoPrimitive.AesCcm
        or CryptoPrimitive.ChaCha20Poly1305 or CryptoPrimitive.AesGmac;

    /// <summary>True when <paramref name="bits"/> is a valid size of key material (salt included).</summary>
    public bool IsValidKeyBits(int bits) =>
        bits >= MinKeyBits && bits <= MaxKeyBits && (KeyBitsStep == 0 ? bits == MinKeyBits : (bits - MinKeyBits) % KeyBitsStep == 0);

    /// <summary>True when <paramref name="bytes"/> bytes of key material (salt included) is a valid size.</summary>
    public bool IsValidKeyLength(int bytes) => bytes >= 0 && bytes <= MaxKeyBits / 8 && IsValidKeyBits(bytes * 8);

    /// <summary>True when <paramref name="name"/> is one of <see cref="Names"/> (ASCII case-insensitive).</summary>
    public bool HasName(ReadOnlySpan<char> name)
    {
        foreach (string candidate in _names)
        {
            if (name.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Space} {PfKeyId})";
}

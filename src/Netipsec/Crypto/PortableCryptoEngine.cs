using System.Security.Cryptography;

namespace Netipsec.Crypto;

/// <summary>
/// The engine that runs wherever .NET does: AES-GCM, AES-CCM, ChaCha20-Poly1305, AES-GMAC, AES-CBC, AES-CTR, 3DES,
/// DES, HMAC-MD5/SHA-1/SHA-2 on System.Security.Cryptography, and AES-CMAC on BouncyCastle.
/// </summary>
/// <remarks>
/// <para>Not supported: AES-GCM with an 8-byte ICV (.NET's AesGcm makes 12- to 16-byte tags), AES-XCBC-MAC (neither
/// .NET nor BouncyCastle implements it), and whatever the platform lacks (<see cref="AesGcm.IsSupported"/>,
/// <see cref="AesCcm.IsSupported"/>, <see cref="ChaCha20Poly1305.IsSupported"/>). Compression is not crypto and is
/// never supported here.</para>
/// <para>A stateless singleton, safe for concurrent use. Its keys serialise calls on one key (see
/// <see cref="ICryptoKey"/>); different keys run in parallel.</para>
/// </remarks>
public sealed class PortableCryptoEngine : ICryptoEngine
{
    /// <summary>The engine's <see cref="Name"/>.</summary>
    public const string EngineName = "portable";

    private PortableCryptoEngine()
    {
    }

    /// <summary>The engine.</summary>
    public static PortableCryptoEngine Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => EngineName;

    /// <inheritdoc/>
    public bool Supports(AlgorithmInfo algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return algorithm.Primitive switch
        {
            CryptoPrimitive.AesGcm => AesGcm.IsSupported && IsTagSize(AesGcm.TagByteSizes, algorithm.IcvLength),
            CryptoPrimitive.AesGmac => AesGcm.IsSupported,
            CryptoPrimitive.AesCcm => AesCcm.IsSupported && IsTagSize(AesCcm.TagByteSizes, algorithm.IcvLength),
            CryptoPrimitive.ChaCha20Poly1305 => ChaCha20Poly1305.IsSupported,
            CryptoPrimitive.AesCbc or CryptoPrimitive.AesCtr or CryptoPrimitive.TripleDesCbc or CryptoPrimitive.DesCbc
                or CryptoPrimitive.NullCipher => true,
            CryptoPrimitive.HmacMd5 or CryptoPrimitive.HmacSha1 or CryptoPrimitive.HmacSha256 or CryptoPrimitive.HmacSha384
                or CryptoPrimitive.HmacSha512 or CryptoPrimitive.AesCmac or CryptoPrimitive.NullIntegrity => true,
            _ => false,
        };
    }

    /// <inheritdoc/>
    public KeyCreateStatus CreateAeadKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IAeadKey? key)
    {
        key = null;
        KeyCreateStatus status = Check(algorithm, algorithm.UsesAeadKey, keyMaterial);
        if (status != KeyCreateStatus.Created)
        {
            return status;
        }

        int saltLength = algorithm.SaltBits / 8;
        ReadOnlySpan<byte> cipherKey = keyMaterial[..^saltLength];
        ReadOnlySpan<byte> salt = keyMaterial[^saltLength..];
        key = algorithm.Primitive == CryptoPrimitive.AesGmac
            ? new PortableAesGmacKey(algorithm, cipherKey, salt)
            : new PortableBclAeadKey(algorithm, cipherKey, salt);
        return KeyCreateStatus.Created;
    }

    /// <inheritdoc/>
    public KeyCreateStatus CreateCipherKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out ICipherKey? key)
    {
        key = null;
        KeyCreateStatus status = Check(algorithm, algorithm.Kind == AlgorithmKind.Cipher, keyMaterial);
        if (status != KeyCreateStatus.Created)
        {
            return status;
        }

        switch (algorithm.Primitive)
        {
            case CryptoPrimitive.NullCipher:
                key = new PortableNullCipherKey(algorithm);
                return KeyCreateStatus.Created;
            case CryptoPrimitive.AesCtr:
                int nonceLength = algorithm.SaltBits / 8;
                key = new PortableAesCtrKey(algorithm, keyMaterial[..^nonceLength], keyMaterial[^nonceLength..]);
                return KeyCreateStatus.Created;
            default:
                status = PortableCbcKey.TryCreate(algorithm, keyMaterial, out PortableCbcKey? cbc);
                key = cbc;
                return status;
        }
    }

    /// <inheritdoc/>
    public KeyCreateStatus CreateIntegrityKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IIntegrityKey? key)
    {
        key = null;
        KeyCreateStatus status = Check(algorithm, algorithm.Kind == AlgorithmKind.Integrity && !algorithm.UsesAeadKey, keyMaterial);
        if (status != KeyCreateStatus.Created)
        {
            return status;
        }

        key = algorithm.Primitive switch
        {
            CryptoPrimitive.NullIntegrity => new PortableNullIntegrityKey(algorithm),
            CryptoPrimitive.AesCmac => new PortableAesCmacKey(algorithm, keyMaterial),
            _ => new PortableHmacKey(algorithm, keyMaterial),
        };
        return KeyCreateStatus.Created;
    }

    private KeyCreateStatus Check(AlgorithmInfo algorithm, bool rightMethod, ReadOnlySpan<byte> keyMaterial)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (!rightMethod || !Supports(algorithm))
        {
            return KeyCreateStatus.Unsupported;
        }

        return algorithm.IsValidKeyLength(keyMaterial.Length) ? KeyCreateStatus.Created : KeyCreateStatus.InvalidKeyLength;
    }

    private static bool IsTagSize(KeySizes sizes, int length) =>
        length >= sizes.MinSize && length <= sizes.MaxSize && (sizes.SkipSize == 0 || (length - sizes.MinSize) % sizes.SkipSize == 0);
}

using System.Security.Cryptography;

namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>
/// The engine on Intel's multi-buffer crypto library (intel-ipsec-mb 1.x, libIPSec_MB.so.1) through a small C shim:
/// AES-GCM (ICV 8, 12 and 16, which includes the 8-byte ICV the portable engine lacks), AES-GMAC (ESP and AH),
/// ChaCha20-Poly1305, AES-CCM (128- and 256-bit keys), AES-CBC, AES-CTR, HMAC-MD5/SHA-1/SHA-256/SHA-384/SHA-512,
/// AES-XCBC-MAC (which the portable engine lacks) and AES-CMAC.
/// </summary>
/// <remarks>
/// <para>Available only when the shim was built (gcc and intel-ipsec-mb.h at build time), the library loads, and the
/// CPU has AES-NI (the library picks its SSE, AVX, AVX2 or AVX-512 code itself); otherwise <see cref="Supports"/>
/// answers false for everything and <see cref="UnavailableReason"/> says why. Put it before
/// <see cref="PortableCryptoEngine"/> in an engine list (see <see cref="CryptoEngines.Default"/>) so the portable engine
/// runs whatever this one does not: the NULL algorithms, AES-CCM with 192-bit keys, and DES/3DES-CBC, which the
/// library has but runs one packet at a time thousands of times slower than OpenSSL (about 24 ms for a 1408-byte 3DES
/// packet on AVX2, measured), so they stay portable; <see cref="Preferred"/>, the instance engine lists use, also
/// leaves the HMACs the portable engine runs faster to it.</para>
/// <para>Key schedules are prepared once per key in aligned native memory, zeroed and freed on disposal. Keys run calls
/// in parallel and allocate nothing per packet. Two stateless instances (<see cref="Instance"/>, <see cref="Preferred"/>),
/// safe for concurrent use.</para>
/// </remarks>
public sealed class IntelIpsecMbEngine : ICryptoEngine
{
    /// <summary>The engine's <see cref="Name"/>.</summary>
    public const string EngineName = "intel-ipsec-mb";

    private readonly bool _leavesSlowerToPortable;

    private IntelIpsecMbEngine(bool leavesSlowerToPortable) => _leavesSlowerToPortable = leavesSlowerToPortable;

    /// <summary>The engine with every algorithm the library runs; check <see cref="IsAvailable"/> before relying on it.</summary>
    public static IntelIpsecMbEngine Instance { get; } = new(leavesSlowerToPortable: false);

    /// <summary>
    /// The engine as <see cref="CryptoEngines.Default"/> lists it: without HMAC-MD5, HMAC-SHA-384 and HMAC-SHA-512,
    /// which the portable engine (OpenSSL through .NET) runs faster, so an engine list leaves them to it. Measured per
    /// packet, native vs portable: 1400 B HMAC-MD5 9.3 vs 5.6 µs, HMAC-SHA-384 11.5 vs 7.2 µs, HMAC-SHA-512 10.6 vs
    /// 8.5 µs (CryptoEngineBenchmarks, loaded 2-core machine), and 1.3–1.8 × slower natively at 512 and 1400 B in a
    /// minimum-of-batches run; the library computes these hashes in its multi-buffer lanes, one lane used per packet.
    /// HMAC-SHA-1 and HMAC-SHA-256 stay native (2–4 × faster there).
    /// </summary>
    public static IntelIpsecMbEngine Preferred { get; } = new(leavesSlowerToPortable: true);

    /// <summary>True when the shim and the library loaded and the CPU runs them.</summary>
    public static bool IsAvailable => NativeShim.IsLoaded;

    /// <summary>Why the engine is unavailable (shim not built, library missing, no AES-NI); null when available.</summary>
    public static string? UnavailableReason => NativeShim.UnavailableReason;

    /// <summary>The library's version, e.g. "1.3.0" ("none" when unavailable).</summary>
    public static string LibraryVersion => NativeShim.LibraryVersion;

    /// <summary>The code path the library chose for this CPU: "sse", "avx", "avx2" or "avx512" ("none" when unavailable).</summary>
    public static string Architecture => NativeShim.Architecture;

    /// <inheritdoc/>
    public string Name => EngineName;

    /// <inheritdoc/>
    public bool Supports(AlgorithmInfo algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return IsAvailable
            && ToNative(algorithm.Primitive) != NativePrimitive.None
            && !(_leavesSlowerToPortable && algorithm.Primitive is CryptoPrimitive.HmacMd5 or CryptoPrimitive.HmacSha384 or CryptoPrimitive.HmacSha512);
    }

    /// <inheritdoc/>
    /// <remarks>AES-CCM with a 192-bit key is <see cref="KeyCreateStatus.Unsupported"/>: the library's CCM has no AES-192.</remarks>
    public KeyCreateStatus CreateAeadKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IAeadKey? key)
    {
        key = null;
        KeyCreateStatus status = Check(algorithm, algorithm.UsesAeadKey, keyMaterial);
        if (status != KeyCreateStatus.Created)
        {
            return status;
        }

        int saltLength = algorithm.SaltBits / 8;
        status = Prepare(algorithm, keyMaterial[..^saltLength], keyMaterial[^saltLength..], out NativeKeySchedule? schedule);
        key = schedule is null ? null : new IntelIpsecMbAeadKey(algorithm, schedule);
        return status;
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

        int nonceLength = algorithm.SaltBits / 8; // AES-CTR's nonce (RFC 3686 §5.1); 0 for CBC
        status = Prepare(algorithm, keyMaterial[..^nonceLength], keyMaterial[^nonceLength..], out NativeKeySchedule? schedule);
        key = schedule is null ? null : new IntelIpsecMbCipherKey(algorithm, schedule);
        return status;
    }

    /// <inheritdoc/>
    public KeyCreateStatus CreateIntegrityKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IIntegrityKey? key)
    {
        key = null;
        KeyCreateStatus status = Check(algorithm, algorithm.Kind == AlgorithmKind.Integrity && !algorithm.UsesAeadKey, keyMaterial);
        return status == KeyCreateStatus.Created ? CreateMacKey(algorithm, keyMaterial, out key) : status;
    }

    /// <summary>
    /// Prepares a MAC key of any length, as RFC 2104 §2 allows for HMAC (a key longer than the hash's block is hashed
    /// first); for known-answer vectors whose keys are not IPsec's fixed sizes (RFC 2202, RFC 4231).
    /// </summary>
    internal static KeyCreateStatus CreateMacKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> macKey, out IIntegrityKey? key)
    {
        key = null;
        NativePrimitive primitive = ToNative(algorithm.Primitive);
        Span<byte> hashed = stackalloc byte[SHA512.HashSizeInBytes];
        scoped ReadOnlySpan<byte> effective = macKey;
        if (macKey.Length > HmacBlockSize(primitive) && primitive is >= NativePrimitive.HmacMd5 and <= NativePrimitive.HmacSha512)
        {
            effective = hashed[..HashLongKey(primitive, macKey, hashed)];
        }

        KeyCreateStatus status = Prepare(algorithm, effective, default, out NativeKeySchedule? schedule);
        CryptographicOperations.ZeroMemory(hashed);
        key = schedule is null ? null : new IntelIpsecMbIntegrityKey(algorithm, schedule);
        return status;
    }

    private static NativePrimitive ToNative(CryptoPrimitive primitive) => primitive switch
    {
        CryptoPrimitive.AesGcm => NativePrimitive.AesGcm,
        CryptoPrimitive.AesGmac => NativePrimitive.AesGmac,
        CryptoPrimitive.ChaCha20Poly1305 => NativePrimitive.ChaCha20Poly1305,
        CryptoPrimitive.AesCcm => NativePrimitive.AesCcm,
        CryptoPrimitive.AesCbc => NativePrimitive.AesCbc,
        CryptoPrimitive.AesCtr => NativePrimitive.AesCtr,
        CryptoPrimitive.HmacMd5 => NativePrimitive.HmacMd5,
        CryptoPrimitive.HmacSha1 => NativePrimitive.HmacSha1,
        CryptoPrimitive.HmacSha256 => NativePrimitive.HmacSha256,
        CryptoPrimitive.HmacSha384 => NativePrimitive.HmacSha384,
        CryptoPrimitive.HmacSha512 => NativePrimitive.HmacSha512,
        CryptoPrimitive.AesXcbcMac => NativePrimitive.AesXcbcMac,
        CryptoPrimitive.AesCmac => NativePrimitive.AesCmac,
        _ => NativePrimitive.None, // NULL cipher and integrity, compression, and DES/3DES (see the remarks)
    };

    private static KeyCreateStatus Prepare(AlgorithmInfo algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt, out NativeKeySchedule? schedule)
    {
        schedule = null;
        NativePrimitive primitive = ToNative(algorithm.Primitive);
        if (!IsAvailable || primitive == NativePrimitive.None)
        {
            return KeyCreateStatus.Unsupported;
        }

        return NativeKeySchedule.TryCreate(primitive, key, salt, algorithm.IcvLength, out schedule) switch
        {
            NativeStatus.Ok => KeyCreateStatus.Created,
            NativeStatus.Invalid => KeyCreateStatus.Unsupported, // a size the library lacks (AES-CCM-192)
            _ => KeyCreateStatus.RejectedKey,
        };
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

#pragma warning disable CA5350, CA5351 // HMAC-MD5 and HMAC-SHA1 are IPsec algorithms (RFC 2403, RFC 2404); their long keys are hashed.
    private static int HashLongKey(NativePrimitive primitive, ReadOnlySpan<byte> key, Span<byte> hash) => primitive switch
    {
        NativePrimitive.HmacMd5 => MD5.HashData(key, hash),
        NativePrimitive.HmacSha1 => SHA1.HashData(key, hash),
        NativePrimitive.HmacSha256 => SHA256.HashData(key, hash),
        NativePrimitive.HmacSha384 => SHA384.HashData(key, hash),
        _ => SHA512.HashData(key, hash),
    };
#pragma warning restore CA5350, CA5351

    private static int HmacBlockSize(NativePrimitive primitive) =>
        primitive is NativePrimitive.HmacSha384 or NativePrimitive.HmacSha512 ? 128 : 64;
}

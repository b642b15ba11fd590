using BenchmarkDotNet.Attributes;
using Netipsec.Crypto;
using Netipsec.Crypto.IntelIpsecMb;

namespace Netipsec.Benchmarks;

/// <summary>
/// ns per packet for each algorithm of each engine (portable, and intel-ipsec-mb where it loads) at 64, 512 and 1400
/// bytes: one seal (AEAD), one encrypt (cipher) or one ICV computation (integrity) on a key prepared once, as the ESP
/// path calls it. Only the engine/algorithm pairs the engine supports are run.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1063 // BenchmarkDotNet needs an unsealed class; nothing derives from it.
public class CryptoEngineBenchmarks : IDisposable
#pragma warning restore CA1063
{
    private readonly byte[] _iv = new byte[16];
    private readonly byte[] _associatedData = new byte[12]; // SPI || ESN high || sequence
    private readonly byte[] _icv = new byte[32];
    private byte[] _data = null!;
    private IAeadKey? _aead;
    private ICipherKey? _cipher;
    private IIntegrityKey? _integrity;

    private static readonly string[] Algorithms = ["aes-gcm-16", "aes-gcm-8", "chacha20-poly1305", "aes-ccm-16", "aes-gmac", "aes-cbc", "aes-ctr",
        "3des-cbc", "hmac-sha1", "hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-md5", "aes-cmac", "aes-xcbc-mac"];

    /// <summary>"engine:algorithm" for every algorithm each available engine supports.</summary>
    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "portable:aes-gcm-16";

    public static IEnumerable<string> Cases =>
        from engine in Engines
        from name in Algorithms
        where engine.Supports(Find(name, out _))
        select $"{engine.Name}:{name}";

    [Params(64, 512, 1400)]
    public int PacketSize { get; set; }

    // The native engine with every algorithm it has (not the Preferred one of the default list), so the numbers that
    // decide which engine a list prefers can be measured again.
    private static IEnumerable<ICryptoEngine> Engines => IntelIpsecMbEngine.IsAvailable
        ? [PortableCryptoEngine.Instance, IntelIpsecMbEngine.Instance]
        : [PortableCryptoEngine.Instance];

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Case.Split(':');
        ICryptoEngine engine = Engines.Single(e => e.Name == parts[0]);
        AlgorithmInfo algorithm = Find(parts[1], out bool isEncryption);

        // 128-bit AES keys (with salt where the row has one); the other algorithms have one key size.
        int keyLength = algorithm.IsValidKeyLength(16 + (algorithm.SaltBits / 8)) ? 16 + (algorithm.SaltBits / 8) : algorithm.MaxKeyBits / 8;
        byte[] keyMaterial = new byte[keyLength];
        new Random(1).NextBytes(keyMaterial);
        KeyCreateStatus status = algorithm.UsesAeadKey ? engine.CreateAeadKey(algorithm, keyMaterial, out _aead)
            : isEncryption ? engine.CreateCipherKey(algorithm, keyMaterial, out _cipher)
            : engine.CreateIntegrityKey(algorithm, keyMaterial, out _integrity);
        if (status != KeyCreateStatus.Created)
        {
            throw new InvalidOperationException($"{Case}: {status}");
        }

        // CBC needs whole blocks; ESP pads to them anyway.
        _data = new byte[(PacketSize + 15) / 16 * 16];
    }

    private static AlgorithmInfo Find(string name, out bool isEncryption)
    {
        isEncryption = AlgorithmTable.TryGetByName(PfKeyAlgorithmSpace.Encryption, name, out AlgorithmInfo? algorithm);
        return algorithm ?? (AlgorithmTable.TryGetByName(PfKeyAlgorithmSpace.Authentication, name, out algorithm)
            ? algorithm
            : throw new InvalidOperationException($"Unknown algorithm {name}."));
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _aead?.Dispose();
        _cipher?.Dispose();
        _integrity?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "protect one packet")]
    public CryptoStatus Protect()
    {
        if (_aead is not null)
        {
            return _aead.Seal(_iv.AsSpan(0, _aead.IvLength), _associatedData, _data, _icv.AsSpan(0, _aead.TagLength));
        }

        if (_cipher is not null)
        {
            return _cipher.Encrypt(_iv.AsSpan(0, _cipher.IvLength), _data);
        }

        return _integrity!.Compute(_data, _associatedData.AsSpan(0, 4), _icv.AsSpan(0, _integrity.IcvLength));
    }
}

using Netipsec.Crypto;

namespace Netipsec.Transforms;

/// <summary>
/// The crypto engines a transform prepares its SAs' keys with, in order of preference: each key comes from the first
/// engine that supports its algorithm and takes the key (a native engine first, the portable one as the fallback).
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
internal sealed class CryptoEngineList
{
    private readonly ICryptoEngine[] _engines;

    /// <exception cref="ArgumentException"><paramref name="engines"/> is empty or holds null.</exception>
    public CryptoEngineList(IReadOnlyList<ICryptoEngine> engines)
    {
        ArgumentNullException.ThrowIfNull(engines);
        if (engines.Count == 0)
        {
            throw new ArgumentException("At least one crypto engine is needed.", nameof(engines));
        }

        _engines = new ICryptoEngine[engines.Count];
        for (int i = 0; i < _engines.Length; i++)
        {
            _engines[i] = engines[i] ?? throw new ArgumentException("An engine is null.", nameof(engines));
        }
    }

    /// <summary>Just the portable engine on System.Security.Cryptography.</summary>
    public static CryptoEngineList Portable { get; } = new([PortableCryptoEngine.Instance]);

    /// <summary>The engines, most preferred first.</summary>
    public IReadOnlyList<ICryptoEngine> Engines => _engines;

    /// <summary>Prepares an AEAD key (AES-GMAC for AH included); see <see cref="Create{TKey}"/> for which engine.</summary>
    public KeyCreateStatus CreateAeadKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IAeadKey? key) =>
        Create(algorithm, keyMaterial, static (ICryptoEngine engine, AlgorithmInfo a, ReadOnlySpan<byte> m, out IAeadKey? k) => engine.CreateAeadKey(a, m, out k), out key);

    /// <summary>Prepares a cipher key; see <see cref="Create{TKey}"/> for which engine.</summary>
    public KeyCreateStatus CreateCipherKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out ICipherKey? key) =>
        Create(algorithm, keyMaterial, static (ICryptoEngine engine, AlgorithmInfo a, ReadOnlySpan<byte> m, out ICipherKey? k) => engine.CreateCipherKey(a, m, out k), out key);

    /// <summary>Prepares an integrity key; see <see cref="Create{TKey}"/> for which engine.</summary>
    public KeyCreateStatus CreateIntegrityKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IIntegrityKey? key) =>
        Create(algorithm, keyMaterial, static (ICryptoEngine engine, AlgorithmInfo a, ReadOnlySpan<byte> m, out IIntegrityKey? k) => engine.CreateIntegrityKey(a, m, out k), out key);

    /// <summary>
    /// The key from the first engine that supports <paramref name="algorithm"/> and does not answer
    /// <see cref="KeyCreateStatus.Unsupported"/> for this key material (a native engine may lack one key size, e.g.
    /// AES-CCM-192, and leave it to the next); <see cref="KeyCreateStatus.Unsupported"/> when no engine takes it.
    /// Any other refusal (bad length, weak key) is final.
    /// </summary>
    private KeyCreateStatus Create<TKey>(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, KeyCreator<TKey> create, out TKey? key)
        where TKey : class, ICryptoKey
    {
        key = null;
        foreach (ICryptoEngine engine in _engines)
        {
            if (engine.Supports(algorithm))
            {
                KeyCreateStatus status = create(engine, algorithm, keyMaterial, out key);
                if (status != KeyCreateStatus.Unsupported)
                {
                    return status;
                }
            }
        }

        return KeyCreateStatus.Unsupported;
    }

    private delegate KeyCreateStatus KeyCreator<TKey>(ICryptoEngine engine, AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out TKey? key);
}

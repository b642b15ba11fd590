using Netipsec.Crypto;

namespace Netipsec.Transforms;

/// <summary>
/// The crypto engines a transform prepares its SAs' keys with, in order of preference: each algorithm goes to the
/// first engine that supports it (a native engine first, the portable one as the fallback).
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

    /// <summary>The first engine that supports <paramref name="algorithm"/>, or null when none does.</summary>
    public ICryptoEngine? For(AlgorithmInfo algorithm)
    {
        foreach (ICryptoEngine engine in _engines)
        {
            if (engine.Supports(algorithm))
            {
                return engine;
            }
        }

        return null;
    }
}

namespace Netipsec.Crypto;

/// <summary>
/// A crypto implementation behind which IPsec algorithms run: it says which <see cref="AlgorithmTable"/> rows it
/// supports and prepares per-SA keys for them. Several engines coexist (portable, native); an SA's key comes from the
/// first engine that supports its algorithm.
/// </summary>
/// <remarks>
/// Engines are stateless apart from what their keys hold, and safe for concurrent use. Create methods validate the
/// key material's length against the table row, copy what they need (the caller may wipe its span afterwards) and
/// never throw for unsupported algorithms or bad keys: they return a <see cref="KeyCreateStatus"/> and a null key.
/// </remarks>
public interface ICryptoEngine
{
    /// <summary>A short name shown per SA, e.g. "portable".</summary>
    string Name { get; }

    /// <summary>True when the engine can prepare keys for <paramref name="algorithm"/> on this machine.</summary>
    bool Supports(AlgorithmInfo algorithm);

    /// <summary>Prepares a key for an algorithm whose <see cref="AlgorithmInfo.UsesAeadKey"/> is true.</summary>
    /// <param name="algorithm">The table row.</param>
    /// <param name="keyMaterial">Key || salt, as the SA carries it.</param>
    /// <param name="key">The key when <see cref="KeyCreateStatus.Created"/>, else null; owned by the caller.</param>
    KeyCreateStatus CreateAeadKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IAeadKey? key);

    /// <summary>Prepares a key for an algorithm of kind <see cref="AlgorithmKind.Cipher"/>.</summary>
    /// <param name="algorithm">The table row.</param>
    /// <param name="keyMaterial">The key (|| nonce for AES-CTR), as the SA carries it.</param>
    /// <param name="key">The key when <see cref="KeyCreateStatus.Created"/>, else null; owned by the caller.</param>
    KeyCreateStatus CreateCipherKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out ICipherKey? key);

    /// <summary>Prepares a key for an algorithm of kind <see cref="AlgorithmKind.Integrity"/> other than AES-GMAC.</summary>
    /// <param name="algorithm">The table row.</param>
    /// <param name="keyMaterial">The key, as the SA carries it.</param>
    /// <param name="key">The key when <see cref="KeyCreateStatus.Created"/>, else null; owned by the caller.</param>
    KeyCreateStatus CreateIntegrityKey(AlgorithmInfo algorithm, ReadOnlySpan<byte> keyMaterial, out IIntegrityKey? key);
}

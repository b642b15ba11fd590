namespace Netipsec.Crypto;

/// <summary>What an algorithm of the <see cref="AlgorithmTable"/> does in an SA.</summary>
public enum AlgorithmKind
{
    /// <summary>Combined-mode encryption and integrity (ESP with one algorithm, RFC 4303 §2.6); created with <see cref="ICryptoEngine.CreateAeadKey"/>.</summary>
    Aead,

    /// <summary>Encryption only; ESP pairs it with an integrity algorithm. Created with <see cref="ICryptoEngine.CreateCipherKey"/>.</summary>
    Cipher,

    /// <summary>Integrity only (ESP authentication or AH). Created with <see cref="ICryptoEngine.CreateIntegrityKey"/>, except AES-GMAC.</summary>
    Integrity,

    /// <summary>IPComp compression (RFC 3173); no key, no crypto engine.</summary>
    Compression,
}

namespace Netipsec.Crypto;

/// <summary>Why an <see cref="ICryptoEngine"/> did or did not prepare a key for an SA.</summary>
public enum KeyCreateStatus
{
    /// <summary>The key is ready; the caller owns it and disposes it when the SA dies.</summary>
    Created,

    /// <summary>The engine does not implement the algorithm (or not this ICV length), or it was asked through the wrong method for its kind.</summary>
    Unsupported,

    /// <summary>The key material's length is not one the algorithm's table row allows (salt included).</summary>
    InvalidKeyLength,

    /// <summary>The primitive refused the key itself, e.g. a DES weak key or a 3DES key whose parts repeat.</summary>
    RejectedKey,
}

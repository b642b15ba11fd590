namespace Netipsec.Crypto;

/// <summary>The outcome of one operation on a key; data-path methods report failures this way and never throw.</summary>
public enum CryptoStatus
{
    /// <summary>Done: data transformed, tag or ICV written, or verification passed.</summary>
    Ok,

    /// <summary>The tag or ICV did not match (compared in constant time). An AEAD's data is then unspecified (the portable engine clears it).</summary>
    AuthenticationFailed,

    /// <summary>An IV, tag or ICV span has the wrong length, or a block cipher's data is not a whole number of blocks; nothing was changed.</summary>
    InvalidLength,

    /// <summary>The key was disposed; nothing was changed.</summary>
    Disposed,
}

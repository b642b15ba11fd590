namespace Netipsec.Crypto.IntelIpsecMb;

/// <summary>The shim's enum nx_status: what one native operation or key preparation came to.</summary>
internal enum NativeStatus
{
    Ok = 0,

    /// <summary>The tag or ICV did not match (compared in constant time by the shim).</summary>
    AuthenticationFailed = 1,

    /// <summary>A length the primitive cannot take (key, tag, partial block); nothing changed.</summary>
    Invalid = 2,

    /// <summary>The library refused the job, or the thread's job manager could not be created.</summary>
    Error = 3,
}

namespace Netipsec.Crypto;

/// <summary>
/// What every per-SA key of an engine has: the algorithm it was prepared for and the engine that runs it. The key
/// schedule is prepared once when the key is created; operations do no key setup.
/// </summary>
/// <remarks>
/// Keys are safe for concurrent use: engines either serialise calls on one key (the portable engine, whose .NET
/// primitives keep per-instance context) or run them in parallel. <see cref="IDisposable.Dispose"/> waits for a call in
/// progress, wipes or frees the key schedule and any key copy the engine holds, and makes later operations return
/// <see cref="CryptoStatus.Disposed"/>; it is idempotent. The creator of the key owns it.
/// </remarks>
public interface ICryptoKey : IDisposable
{
    /// <summary>The algorithm row the key was prepared for.</summary>
    AlgorithmInfo Algorithm { get; }

    /// <summary>The name of the engine running the key (shown per SA).</summary>
    string EngineName { get; }
}

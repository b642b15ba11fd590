namespace Netipsec.Crypto;

/// <summary>
/// What every key of the <see cref="PortableCryptoEngine"/> shares: one lock per key and the disposal tombstone.
/// </summary>
/// <remarks>
/// .NET's AesGcm/AesCcm/ChaCha20Poly1305, IncrementalHash, ICryptoTransform and BouncyCastle's CMac all keep a context
/// per instance that two overlapping calls would corrupt, so every operation on one key runs under <see cref="Sync"/>;
/// a burst takes it once. The same lock orders <see cref="Dispose"/> after a call in progress.
/// </remarks>
internal abstract class PortableKey : ICryptoKey
{
    private protected PortableKey(AlgorithmInfo algorithm) => Algorithm = algorithm;

    public AlgorithmInfo Algorithm { get; }

    public string EngineName => PortableCryptoEngine.EngineName;

    private protected Lock Sync { get; } = new();

    /// <summary>True once disposed; read and written under <see cref="Sync"/>.</summary>
    private protected bool IsDisposed { get; private set; }

    public void Dispose()
    {
        using (Sync.EnterScope())
        {
            if (IsDisposed)
            {
                return;
            }

            IsDisposed = true;
            ReleaseKey();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Wipes key copies and frees the key schedule; called once, under <see cref="Sync"/>.</summary>
    private protected abstract void ReleaseKey();

    /// <summary>
    /// One job of a burst, run with <see cref="Sync"/> held. Implemented by small structs, so the JIT compiles
    /// <see cref="RunBurst{TJob, TStep}"/> once per step type and calls the step directly: no dispatch per job.
    /// </summary>
    private protected interface IBurstStep<TJob>
    {
        CryptoStatus RunLocked(in TJob job);
    }

    /// <summary>Runs every job under one lock, writing each status to <paramref name="results"/>; returns how many succeeded.</summary>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="jobs"/>.</exception>
    private protected int RunBurst<TJob, TStep>(ReadOnlySpan<TJob> jobs, Span<CryptoStatus> results, TStep step)
        where TStep : struct, IBurstStep<TJob>
    {
        CheckResultsLength(jobs.Length, results.Length);
        int succeeded = 0;
        using (Sync.EnterScope())
        {
            for (int i = 0; i < jobs.Length; i++)
            {
                results[i] = step.RunLocked(in jobs[i]);
                succeeded += results[i] == CryptoStatus.Ok ? 1 : 0;
            }
        }

        return succeeded;
    }

    private static void CheckResultsLength(int jobs, int results)
    {
        if (results < jobs)
        {
            throw new ArgumentException("There must be one result per job.", nameof(results));
        }
    }
}

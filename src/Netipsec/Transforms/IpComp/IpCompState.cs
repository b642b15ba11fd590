namespace Netipsec.Transforms.IpComp;

/// <summary>
/// One IPComp SA's adaptive state: how many payloads in a row would not compress, and how many packets are still to
/// be sent without trying after too many of them.
/// </summary>
/// <remarks>Thread-safe; the lock guards two integers for a few instructions per packet.</remarks>
internal sealed class IpCompState : TransformState
{
    private readonly Lock _lock = new();
    private int _consecutiveFailures;
    private int _skipRemaining;

    /// <summary>True when the next packet should go uncompressed without trying (and uses up one skip).</summary>
    internal bool TrySkip()
    {
        lock (_lock)
        {
            if (_skipRemaining == 0)
            {
                return false;
            }

            _skipRemaining--;
            return true;
        }
    }

    /// <summary>A payload compressed: the run of failures ends.</summary>
    internal void RecordSuccess()
    {
        lock (_lock)
        {
            _consecutiveFailures = 0;
        }
    }

    /// <summary>
    /// A payload would not compress; the <paramref name="failureThreshold"/>-th in a row starts a back-off of
    /// <paramref name="skipCount"/> packets, after which compression is tried again from a clean count.
    /// </summary>
    internal void RecordFailure(int failureThreshold, int skipCount)
    {
        lock (_lock)
        {
            if (++_consecutiveFailures >= failureThreshold)
            {
                _consecutiveFailures = 0;
                _skipRemaining = skipCount;
            }
        }
    }

    /// <summary>Nothing to release: the tombstone alone stops the SA.</summary>
    private protected override void Release()
    {
    }
}

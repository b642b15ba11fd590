namespace Netipsec.States;

/// <summary>Tunables of a <see cref="SecurityAssociationDatabase"/>.</summary>
public sealed record SadOptions
{
    /// <summary>How long an acquire state lives, suppressing further ACQUIREs for its flow (Linux's xfrm_acq_expires, 30 s).</summary>
    public TimeSpan AcquireLifetime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a GETSPI reservation waits for its UPDATE before it is removed.</summary>
    public TimeSpan LarvalLifetime { get; init; } = TimeSpan.FromSeconds(30);
}

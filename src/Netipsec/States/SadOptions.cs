using Netipsec.Transforms;

namespace Netipsec.States;

/// <summary>Tunables of a <see cref="SecurityAssociationDatabase"/>.</summary>
public sealed record SadOptions
{
    /// <summary>How long an acquire state lives, suppressing further ACQUIREs for its flow (Linux's xfrm_acq_expires, 30 s).</summary>
    public TimeSpan AcquireLifetime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a GETSPI reservation waits for its UPDATE before it is removed.</summary>
    public TimeSpan LarvalLifetime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The transforms that prepare each SA as it is installed (key schedules, IV sources) and wipe it when it dies;
    /// an SA no transform accepts is refused with <see cref="SadStatus.Unsupported"/>. Null installs SAs without
    /// preparing them, for a database that only keeps state (tests, tools).
    /// </summary>
    public XfrmTypeRegistry? Types { get; init; }
}

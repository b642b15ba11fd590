using Netipsec.Policies;

namespace Netipsec.Engine;

/// <summary>
/// One cached lookup of a <see cref="FlowCache"/>: the policy that won for a flow (or none) and, for an outbound
/// IPsec policy, the bundle resolution. Immutable; valid only while the databases' generations it recorded are current.
/// </summary>
public sealed class FlowCacheEntry
{
    internal FlowCacheEntry(SecurityPolicy? policy, BundleResolution resolution, long spdGeneration, long sadGeneration)
    {
        Policy = policy;
        Resolution = resolution;
        SpdGeneration = spdGeneration;
        SadGeneration = sadGeneration;
    }

    /// <summary>The winning policy, or null when none matched.</summary>
    public SecurityPolicy? Policy { get; }

    /// <summary>
    /// For an outbound IPsec policy, its bundle (<see cref="BundleStatus.Ok"/>), the missing template or the error;
    /// <see cref="BundleStatus.None"/> otherwise.
    /// </summary>
    public BundleResolution Resolution { get; }

    /// <summary>The SPD generation read before the lookup.</summary>
    public long SpdGeneration { get; }

    /// <summary>The SAD generation read before the lookup.</summary>
    public long SadGeneration { get; }
}

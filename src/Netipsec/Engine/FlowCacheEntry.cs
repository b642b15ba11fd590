using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Engine;

/// <summary>
/// One cached lookup of a <see cref="FlowCache"/>: the policy that won for a flow (or none) and, for an outbound
/// IPsec policy, the bundle resolution. Immutable; valid only while the databases' generations it recorded are current.
/// </summary>
public sealed class FlowCacheEntry
{
    // Fields, not properties: the hit path compares the flow where it lies instead of copying 64 bytes out.
    private readonly PolicyDirection _direction;
    private readonly Flow _flow;
    private SecurityAssociation? _acceptedBy;

    internal FlowCacheEntry(PolicyDirection direction, in Flow flow, SecurityPolicy? policy, BundleResolution resolution, long spdGeneration, long sadGeneration)
    {
        _direction = direction;
        _flow = flow;
        Policy = policy;
        Resolution = resolution;
        SpdGeneration = spdGeneration;
        SadGeneration = sadGeneration;
    }

    /// <summary>True when this entry answers for <paramref name="direction"/> and <paramref name="flow"/>.</summary>
    internal bool IsFor(PolicyDirection direction, in Flow flow) => _direction == direction && _flow.SameAs(flow);

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

    /// <summary>
    /// True when a packet of this flow that came through <paramref name="secPath"/> alone has already passed the
    /// inbound check against <see cref="Policy"/>: the verdict depends only on the policy's templates and the SAs,
    /// which cannot change while the entry is current, so the template match need not run again.
    /// </summary>
    internal bool WasAccepted(in SecPath secPath) =>
        secPath.Count == 1 && ReferenceEquals(Volatile.Read(ref _acceptedBy), secPath[0]);

    /// <summary>Records that a packet that came through <paramref name="secPath"/> passed the inbound check against a policy.</summary>
    internal void RememberAccepted(in SecPath secPath)
    {
        if (secPath.Count == 1 && Policy is not null)
        {
            Volatile.Write(ref _acceptedBy, secPath[0]);
        }
    }
}

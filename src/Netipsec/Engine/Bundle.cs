using System.Collections.Immutable;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Engine;

/// <summary>
/// The SAs an outbound policy resolved to for one flow (Linux's xfrm_dst chain): one per template that found an SA,
/// innermost first, so output applies them in array order.
/// </summary>
/// <remarks>
/// Immutable and safe to share between threads. A bundle is a snapshot: once <see cref="IsUsable"/> turns false (the
/// policy died or was replaced, an SA left the database or expired) it must be resolved again. Empty
/// <see cref="States"/> is legal: every template was optional (level use) and none had an SA, so the flow passes
/// without IPsec, as Linux sends it on the original route.
/// </remarks>
public sealed class Bundle
{
    private readonly uint _policyGenerationId;

    internal Bundle(SecurityPolicy policy, ImmutableArray<SecurityAssociation> states, long spdGeneration, long sadGeneration)
    {
        Policy = policy;
        States = states;
        SpdGeneration = spdGeneration;
        SadGeneration = sadGeneration;
        _policyGenerationId = policy.GenerationId;
    }

    /// <summary>The outbound IPsec policy the bundle was built for.</summary>
    public SecurityPolicy Policy { get; }

    /// <summary>One SA per resolved template, innermost (applied first) first.</summary>
    public ImmutableArray<SecurityAssociation> States { get; }

    /// <summary>The <see cref="SecurityPolicyDatabase.Generation"/> the bundle was built at.</summary>
    public long SpdGeneration { get; }

    /// <summary>The <see cref="SecurityAssociationDatabase.Generation"/> the bundle was built at.</summary>
    public long SadGeneration { get; }

    /// <summary>
    /// A bound on the bytes the bundle adds to any packet, once the output path has computed it (-1 before): packets
    /// that fit the MTU with this much room skip the exact, length-dependent computation. Also a snapshot, as the SAs
    /// it comes from cannot change while the bundle is usable.
    /// </summary>
    internal int MaxOverhead { get; set; } = -1;

    /// <summary>
    /// True while the policy is installed and unchanged and every SA is <see cref="SaState.Mature"/> or
    /// <see cref="SaState.Dying"/>. Lock-free and allocation-free; a concurrent change may make it false right after.
    /// </summary>
    public bool IsUsable
    {
        get
        {
            if (Policy.IsDead || Policy.GenerationId != _policyGenerationId)
            {
                return false;
            }

            foreach (SecurityAssociation state in States)
            {
                if (state.State is not (SaState.Mature or SaState.Dying))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

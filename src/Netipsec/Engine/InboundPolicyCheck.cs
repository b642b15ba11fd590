using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Engine;

/// <summary>
/// The inbound policy check (Linux's __xfrm_policy_check with xfrm_policy_ok and xfrm_state_ok; RFC 4301 §5.2 step
/// 4): after IPsec processing, the SAs that processed a packet (its <see cref="SecPath"/>) must be the ones the
/// matching in or fwd policy requires. Stateless; lock-free and allocation-free apart from the policy accounting.
/// </summary>
/// <remarks>
/// <para>The verdicts, as Linux gives them:</para>
/// <list type="bullet">
/// <item>No policy: accepted, unless a tunnel or BEET SA processed the packet (<see cref="DropReason.InNoPols"/>):
/// decapsulated traffic must be covered by a policy, while transport SAs alone are accepted.</item>
/// <item><see cref="PolicyAction.Block"/>: <see cref="DropReason.InPolBlock"/>.</item>
/// <item><see cref="PolicyAction.Bypass"/>: Linux's "allow" policy with no templates, so transport SAs are accepted and
/// a tunnel or BEET SA is a <see cref="DropReason.InTmplMismatch"/>: a bypass policy does not admit what came out of
/// a tunnel.</item>
/// <item><see cref="PolicyAction.Ipsec"/>: the templates are matched against the secpath from the outermost template
/// and SA inwards. A required template must be met by the next SA that fits it; an optional (level use) transport
/// template is always skipped, an optional tunnel template is skipped when no SA fits it. Searching for a template,
/// transport SAs that do not fit are passed over, while a tunnel or BEET SA that does not fit ends the search; a
/// required template that is not met, or a tunnel or BEET SA left uncovered after the last template, is a
/// <see cref="DropReason.InTmplMismatch"/>. So, as in Linux, extra transport-mode protection is tolerated (it never
/// weakens what the policy requires), while every decapsulation must be one the policy asked for.</item>
/// </list>
/// <para>
/// An SA fits a template when protocol and mode are equal, the template's SPI and reqid are 0 or equal, the SA's
/// authentication algorithm is allowed by <see cref="PolicyTemplate.AllowedAuthAlgorithms"/>, and, for tunnel and
/// BEET, the template's endpoints equal the SA's source and destination (an unset template endpoint matches any).
/// The companion of an IPComp tunnel SA (an uncompressed packet that came as plain IP-in-IP) fits, as Linux's
/// xfrm_state_ok has it for a kernel-owned state, any optional template whose endpoints match.
/// </para>
/// <para>
/// A tunnel SA's own inner selector is checked where it is decapsulated, with <see cref="InnerSelectorAllows"/>
/// (<see cref="DropReason.InStateMismatch"/>), since only there is the flow of that layer known.
/// </para>
/// </remarks>
public static class InboundPolicyCheck
{
    /// <summary>Checks a packet that arrived (<see cref="PolicyDirection.In"/>) or is forwarded (<see cref="PolicyDirection.Fwd"/>).</summary>
    /// <param name="spd">The SPD to look the policy up in; on success the policy's lifetime is accounted there.</param>
    /// <param name="direction">In or Fwd.</param>
    /// <param name="flow">The flow of the packet as delivered (the inner packet after tunnel decapsulation).</param>
    /// <param name="secPath">The SAs that processed the packet, outermost first; empty for a packet without IPsec.</param>
    /// <param name="packetLength">The packet's length, counted against the policy's lifetime.</param>
    /// <returns>
    /// <see cref="DropReason.None"/> to accept; otherwise <see cref="DropReason.InNoPols"/>,
    /// <see cref="DropReason.InPolBlock"/> or <see cref="DropReason.InTmplMismatch"/> as the remarks describe.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="direction"/> is <see cref="PolicyDirection.Out"/>.</exception>
    public static DropReason Check(SecurityPolicyDatabase spd, PolicyDirection direction, in Flow flow, in SecPath secPath, int packetLength) =>
        Check(spd, direction, flow, secPath, packetLength, out _);

    /// <summary>Like <see cref="Check(SecurityPolicyDatabase, PolicyDirection, in Flow, in SecPath, int)"/>, also giving the policy that decided (null when none matched).</summary>
    public static DropReason Check(SecurityPolicyDatabase spd, PolicyDirection direction, in Flow flow, in SecPath secPath, int packetLength, out SecurityPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(spd);
        if (direction is not (PolicyDirection.In or PolicyDirection.Fwd))
        {
            throw new ArgumentException("The inbound check is for the in and fwd directions.", nameof(direction));
        }

        policy = spd.Lookup(direction, flow);
        return Check(spd, policy, secPath, packetLength);
    }

    /// <summary>
    /// The verdict for a packet whose in or fwd policy was already looked up (null when none matched), as the input
    /// path does through its flow cache; on success the policy's lifetime is accounted in <paramref name="spd"/>.
    /// </summary>
    internal static DropReason Check(SecurityPolicyDatabase spd, SecurityPolicy? policy, in SecPath secPath, int packetLength)
    {
        if (policy is null)
        {
            return HasDecapsulation(secPath, 0) ? DropReason.InNoPols : DropReason.None;
        }

        DropReason verdict = policy.Action switch
        {
            PolicyAction.Block => DropReason.InPolBlock,
            PolicyAction.Bypass => HasDecapsulation(secPath, 0) ? DropReason.InTmplMismatch : DropReason.None,
            _ => MatchTemplates(policy.Templates, secPath),
        };

        if (verdict == DropReason.None)
        {
            spd.Account(policy, packetLength);
        }

        return verdict;
    }

    /// <summary>
    /// The verdict for a packet whose flow and secpath passed the check against <paramref name="policy"/> before (the
    /// input path's flow cache remembers it): accepted, and accounted in <paramref name="spd"/> as the full check would.
    /// </summary>
    internal static DropReason AcceptAgain(SecurityPolicyDatabase spd, SecurityPolicy policy, int packetLength)
    {
        spd.Account(policy, packetLength);
        return DropReason.None;
    }

    /// <summary>
    /// True when <paramref name="sa"/> may carry <paramref name="flow"/>: it has no <see cref="SecurityAssociation.InnerSelector"/>
    /// or the selector matches (Linux's xfrm_selector_match on x->sel). The input path calls it for each tunnel or
    /// BEET SA with the flow of the packet that SA decapsulated, and drops with <see cref="DropReason.InStateMismatch"/>
    /// when it is false.
    /// </summary>
    public static bool InnerSelectorAllows(SecurityAssociation sa, in Flow flow)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return sa.InnerSelector is not { } selector || selector.Matches(flow);
    }

    private static DropReason MatchTemplates(IReadOnlyList<PolicyTemplate> templates, in SecPath secPath)
    {
        int next = 0;
        for (int i = templates.Count - 1; i >= 0; i--)
        {
            next = MatchTemplate(templates[i], secPath, next);
            if (next < 0)
            {
                return DropReason.InTmplMismatch;
            }
        }

        return HasDecapsulation(secPath, next) ? DropReason.InTmplMismatch : DropReason.None;
    }

    /// <summary>
    /// Where the search for the next template starts after <paramref name="template"/> was met from
    /// <paramref name="start"/> on (the index after its SA, or <paramref name="start"/> when an optional template is
    /// skipped); -1 when a required template is not met.
    /// </summary>
    private static int MatchTemplate(PolicyTemplate template, in SecPath secPath, int start)
    {
        if (template.IsOptional && template.Mode == XfrmMode.Transport)
        {
            return start;
        }

        int unmet = template.IsOptional ? start : -1;
        for (int index = start; index < secPath.Count; index++)
        {
            SecurityAssociation sa = secPath[index];
            if (Fits(template, sa))
            {
                return index + 1;
            }

            if (sa.Mode != XfrmMode.Transport)
            {
                break;
            }
        }

        return unmet;
    }

    private static bool Fits(PolicyTemplate template, SecurityAssociation sa) => sa.IsTunnelCompanion
        ? template.IsOptional && EndpointsMatch(template, sa)
        : sa.Protocol == template.Protocol
        && sa.Mode == template.Mode
        && (template.Spi == 0 || sa.Spi == template.Spi)
        && (template.ReqId == 0 || sa.ReqId == template.ReqId)
        && PolicyTemplate.IsAllowed(template.AllowedAuthAlgorithms, sa.Authentication?.Id ?? 0)
        && (sa.Mode == XfrmMode.Transport
            || EndpointsMatch(template, sa));

    private static bool EndpointsMatch(PolicyTemplate template, SecurityAssociation sa) =>
        EndpointMatches(template.TunnelSource, sa.Source) && EndpointMatches(template.TunnelDestination, sa.Destination);

    private static bool EndpointMatches(IpAddress templateEndpoint, IpAddress stateEndpoint) =>
        templateEndpoint.Version == IpVersion.None || templateEndpoint.IsUnspecified || templateEndpoint == stateEndpoint;

    /// <summary>Linux's secpath_has_nontransport: a tunnel or BEET SA at or after <paramref name="start"/>.</summary>
    private static bool HasDecapsulation(in SecPath secPath, int start)
    {
        for (int index = start; index < secPath.Count; index++)
        {
            if (secPath[index].Mode != XfrmMode.Transport)
            {
                return true;
            }
        }

        return false;
    }
}

using System.Runtime.InteropServices;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Engine;

/// <summary>
/// Resolves an outbound IPsec policy's templates to SAs for one flow (Linux's xfrm_tmpl_resolve_one and
/// xfrm_resolve_and_create_bundle), raising an ACQUIRE for a template that has none.
/// </summary>
/// <remarks>
/// <para>
/// Templates are taken innermost first. Each is looked up between the addresses in effect at its layer: a transport
/// template uses the current source and destination (at first the flow's), a tunnel or BEET template its own
/// <see cref="PolicyTemplate.TunnelSource"/> and <see cref="PolicyTemplate.TunnelDestination"/>, which then become the
/// current addresses for the templates outside it. Protocol, mode and reqid must match (template reqid 0 accepts any);
/// a template with an SPI accepts only the SA with that SPI. Mature SAs are preferred to dying ones
/// (<see cref="SecurityAssociationDatabase.FindOutbound"/>).
/// </para>
/// <para>
/// A template without a usable SA gets an ACQUIRE through <see cref="SecurityAssociationDatabase.Acquire"/> (which
/// raises it only once per acquire state). As in Linux, resolution stops at the first such required template, so
/// key management hears of the innermost missing SA first; an optional (level use) template without an SA also raises
/// an ACQUIRE but is skipped, and the packet goes out with the other SAs (or in clear if there are none): "use an SA
/// if there is one". Linux looks up a missing tunnel source address in the routing table; this library has no
/// routes, so a tunnel or BEET template without both endpoints is an error.
/// </para>
/// <para>Thread-safe: lookups are lock-free; only an ACQUIRE takes the SAD's write lock. A resolution allocates the bundle.</para>
/// </remarks>
public sealed class BundleResolver
{
    /// <summary>Resolves against <paramref name="sad"/>; <paramref name="spd"/> provides the generation bundles record.</summary>
    public BundleResolver(SecurityPolicyDatabase spd, SecurityAssociationDatabase sad)
    {
        ArgumentNullException.ThrowIfNull(spd);
        ArgumentNullException.ThrowIfNull(sad);
        Spd = spd;
        Sad = sad;
    }

    internal SecurityPolicyDatabase Spd { get; }

    internal SecurityAssociationDatabase Sad { get; }

    /// <summary>Finds one SA per template of <paramref name="policy"/> for a packet of <paramref name="flow"/>.</summary>
    /// <param name="policy">An outbound policy with action <see cref="PolicyAction.Ipsec"/>.</param>
    /// <param name="flow">The packet's flow; the source of transport SAs, and the selector an ACQUIRE carries.</param>
    /// <returns>
    /// <see cref="BundleStatus.Ok"/> with the bundle; <see cref="BundleStatus.Missing"/> with the first required
    /// template that has no usable SA; <see cref="BundleStatus.Error"/> with <see cref="DropReason.OutPolDead"/> when
    /// the policy left the SPD, or <see cref="DropReason.OutBundleGenError"/> when a tunnel template lacks an endpoint
    /// or the SPI a template names belongs to an SA that does not fit it.
    /// </returns>
    /// <exception cref="ArgumentException">The policy is not an outbound IPsec policy.</exception>
    public BundleResolution Resolve(SecurityPolicy policy, in Flow flow)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Action != PolicyAction.Ipsec || policy.Direction != PolicyDirection.Out)
        {
            throw new ArgumentException("Only an outbound IPsec policy resolves to a bundle.", nameof(policy));
        }

        // Read before the lookups: a change racing with them leaves the bundle with an older generation, so it is
        // rebuilt rather than trusted.
        long spdGeneration = Spd.Generation;
        long sadGeneration = Sad.Generation;
        if (policy.IsDead)
        {
            return BundleResolution.Failed(DropReason.OutPolDead);
        }

        IReadOnlyList<PolicyTemplate> templates = policy.Templates;
        var states = new SecurityAssociation[templates.Count];
        int count = 0;
        IpAddress source = flow.Source;
        IpAddress destination = flow.Destination;
        Selector? acquireSelector = null;
        for (int i = 0; i < templates.Count; i++)
        {
            PolicyTemplate template = templates[i];
            IpAddress local = source;
            IpAddress remote = destination;
            if (template.Mode != XfrmMode.Transport)
            {
                if (!IsSet(template.TunnelSource) || !IsSet(template.TunnelDestination))
                {
                    return BundleResolution.Failed(DropReason.OutBundleGenError);
                }

                local = template.TunnelSource;
                remote = template.TunnelDestination;
            }

            switch (Find(template, local, remote, out SecurityAssociation? sa))
            {
                case Lookup.Found:
                    states[count++] = sa!;
                    source = local;
                    destination = remote;
                    break;
                case Lookup.Conflict:
                    return BundleResolution.Failed(DropReason.OutBundleGenError);
                default:
                    acquireSelector ??= SelectorOf(flow);
                    Sad.Acquire(local, remote, acquireSelector, template, policy, out _);
                    if (!template.IsOptional)
                    {
                        return BundleResolution.Missing(template);
                    }

                    break;
            }
        }

        if (count < states.Length)
        {
            Array.Resize(ref states, count);
        }

        return BundleResolution.Resolved(new Bundle(policy, ImmutableCollectionsMarshal.AsImmutableArray(states), spdGeneration, sadGeneration));
    }

    /// <summary>
    /// The selector an ACQUIRE carries: the flow's two host addresses, protocol, ports (or ICMP type and code) and
    /// interface, every field exact, as Linux's __xfrm_init_tempsel builds it.
    /// </summary>
    internal static Selector SelectorOf(in Flow flow) =>
        new(IpPrefix.Host(flow.Source), IpPrefix.Host(flow.Destination))
        {
            Protocol = flow.Protocol,
            SourcePort = flow.SourcePort,
            SourcePortMask = ushort.MaxValue,
            DestinationPort = flow.DestinationPort,
            DestinationPortMask = ushort.MaxValue,
            InterfaceIndex = flow.InterfaceIndex,
        };

    private Lookup Find(PolicyTemplate template, IpAddress local, IpAddress remote, out SecurityAssociation? sa)
    {
        if (template.Spi == 0)
        {
            sa = Sad.FindOutbound(remote, local, template.Protocol, template.Mode, template.ReqId);
            return sa is null ? Lookup.Missing : Lookup.Found;
        }

        // A named SPI: the SA must be that one (Linux refuses with EEXIST when the SPI is taken by one that does not fit).
        if (!Sad.TryLookupBySpi(remote, template.Spi, template.Protocol, out sa))
        {
            return Lookup.Missing;
        }

        if (sa.Source != local || sa.Mode != template.Mode || (template.ReqId != 0 && sa.ReqId != template.ReqId))
        {
            return Lookup.Conflict;
        }

        return sa.State is SaState.Mature or SaState.Dying ? Lookup.Found : Lookup.Missing;
    }

    private static bool IsSet(IpAddress address) => address.Version != IpVersion.None && !address.IsUnspecified;

    private enum Lookup
    {
        Missing,
        Found,
        Conflict,
    }
}

using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.PfKey.Service;

/// <summary>
/// Writes a policy as a PF_KEY message: addresses (selector), hard, soft and current lifetimes, and X_POLICY with
/// its index as <c>sadb_x_policy_id</c> — what af_key.c sends for every SPD message.
/// </summary>
internal static class PolicyReplyWriter
{
    /// <returns>The message length; the destination must hold <see cref="PfKeyService.MaxReplyLength"/> bytes.</returns>
    public static int Write(Span<byte> destination, PfKeyHeader header, SecurityPolicy policy)
    {
        SaReplyWriter.Fits(PfKeyMessageWriter.TryCreate(destination, header, out PfKeyMessageWriter writer));
        SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressSrc, SelectorConversion.SourceOf(policy.Selector)));
        SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressDst, SelectorConversion.DestinationOf(policy.Selector)));
        SaReplyWriter.Fits(writer.TryAddLifetime(ExtensionType.LifetimeHard, LifetimeConversion.ToExtension(policy.HardLimits)));
        SaReplyWriter.Fits(writer.TryAddLifetime(ExtensionType.LifetimeSoft, LifetimeConversion.ToExtension(policy.SoftLimits)));
        SaReplyWriter.Fits(writer.TryAddLifetime(ExtensionType.LifetimeCurrent, LifetimeConversion.ToExtension(policy.Current)));

        AddPolicy(ref writer, policy);
        return writer.Length;
    }

    /// <summary>Adds X_POLICY: action, direction, index as <c>sadb_x_policy_id</c>, priority and one request per template.</summary>
    public static void AddPolicy(ref PfKeyMessageWriter writer, SecurityPolicy policy)
    {
        Span<IpsecRequest> requests = stackalloc IpsecRequest[SecurityPolicy.MaxTemplates];
        int count = 0;
        foreach (PolicyTemplate template in policy.Templates)
        {
            requests[count++] = ToRequest(template);
        }

        var policyHeader = new PolicyHeader(TypeOf(policy.Action), DirectionOf(policy.Direction), policy.Index, policy.Priority);
        SaReplyWriter.Fits(writer.TryAddPolicy(policyHeader, requests[..count]));
    }

    private static IpsecPolicyType TypeOf(PolicyAction action) => action switch
    {
        PolicyAction.Ipsec => IpsecPolicyType.Ipsec,
        PolicyAction.Bypass => IpsecPolicyType.None,
        _ => IpsecPolicyType.Discard,
    };

    private static IpsecDirection DirectionOf(PolicyDirection direction) => direction switch
    {
        PolicyDirection.In => IpsecDirection.Inbound,
        PolicyDirection.Out => IpsecDirection.Outbound,
        _ => IpsecDirection.Fwd,
    };

    private static IpsecRequest ToRequest(PolicyTemplate template)
    {
        IpsecLevel level = template.Level switch
        {
            TemplateLevel.Use => IpsecLevel.Use,
            TemplateLevel.Unique => IpsecLevel.Unique,
            _ => IpsecLevel.Require,
        };
        var request = new IpsecRequest((IpProtocol)template.Protocol, ModeMapping.ToWire(template.Mode), level, template.ReqId);
        return template.TunnelSource.Version == IpVersion.None || template.TunnelDestination.Version == IpVersion.None
            ? request
            : request with { TunnelSource = new Sockaddr(template.TunnelSource), TunnelDestination = new Sockaddr(template.TunnelDestination) };
    }
}

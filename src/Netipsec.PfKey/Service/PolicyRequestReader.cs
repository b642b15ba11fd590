using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.PfKey.Service;

/// <summary>
/// Turns X_SPDADD / X_SPDUPDATE / X_SPDDELETE (addresses + X_POLICY, KAME's format) into a
/// <see cref="Selector"/>, a <see cref="PolicyDirection"/> and a <see cref="SecurityPolicy"/>.
/// </summary>
internal static class PolicyRequestReader
{
    public static PfKeyResult TryReadSelector(scoped in PfKeyMessage message, out Selector selector, out PolicyDirection direction)
    {
        message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source);
        message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination);
        message.TryGetPolicy(out PolicyExtension policy);
        selector = SelectorConversion.ToSelector(source, destination);
        return TryGetDirection(policy.Header.Direction, out direction) ? PfKeyResult.Success : PfKeyResult.Invalid();
    }

    public static PfKeyResult TryReadPolicy(scoped in PfKeyMessage message, out SecurityPolicy? policy)
    {
        policy = null;
        PfKeyResult result = TryReadSelector(message, out Selector selector, out PolicyDirection direction);
        if (!result.IsSuccess)
        {
            return result;
        }

        message.TryGetPolicy(out PolicyExtension extension);
        PolicyAction? action = extension.Header.Type switch
        {
            IpsecPolicyType.Discard => PolicyAction.Block,
            IpsecPolicyType.None => PolicyAction.Bypass,
            IpsecPolicyType.Ipsec => PolicyAction.Ipsec,
            _ => null, // ENTRUST and BYPASS are socket policies (KAME), not SPD entries.
        };
        if (action is null)
        {
            return PfKeyResult.Invalid();
        }

        var templates = new List<PolicyTemplate>();
        foreach (IpsecRequest request in extension.Requests)
        {
            if (templates.Count == SecurityPolicy.MaxTemplates || !TryReadTemplate(request, out PolicyTemplate? template))
            {
                return PfKeyResult.Invalid();
            }

            templates.Add(template);
        }

        // An ipsec policy needs requests; a discard or none policy takes none.
        if ((action == PolicyAction.Ipsec) != (templates.Count != 0))
        {
            return PfKeyResult.Invalid();
        }

        policy = new SecurityPolicy(direction, selector, action.Value, templates)
        {
            Priority = extension.Header.Priority,
            SoftLimits = LifetimeConversion.ToLimits(message, ExtensionType.LifetimeSoft),
            HardLimits = LifetimeConversion.ToLimits(message, ExtensionType.LifetimeHard),
        };
        return PfKeyResult.Success;
    }

    public static bool TryGetDirection(IpsecDirection direction, out PolicyDirection core)
    {
        (bool known, core) = direction switch
        {
            IpsecDirection.Inbound => (true, PolicyDirection.In),
            IpsecDirection.Outbound => (true, PolicyDirection.Out),
            IpsecDirection.Fwd => (true, PolicyDirection.Fwd),
            _ => (false, PolicyDirection.In),
        };
        return known;
    }

    private static bool TryReadTemplate(IpsecRequest request, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PolicyTemplate? template)
    {
        template = null;
        IpsecProtocol? protocol = request.Protocol switch
        {
            IpProtocol.Esp => IpsecProtocol.Esp,
            IpProtocol.Ah => IpsecProtocol.Ah,
            IpProtocol.IpComp => IpsecProtocol.IpComp,
            _ => null,
        };
        TemplateLevel? level = request.Level switch
        {
            IpsecLevel.Default or IpsecLevel.Require => TemplateLevel.Require, // Linux: anything but use and unique requires.
            IpsecLevel.Use => TemplateLevel.Use,
            IpsecLevel.Unique => TemplateLevel.Unique,
            _ => null,
        };
        if (protocol is null || level is null || !ModeMapping.TryToCore(request.Mode, allowAny: false, out XfrmMode mode))
        {
            return false;
        }

        template = new PolicyTemplate(protocol.Value, mode)
        {
            Level = level.Value,
            ReqId = request.ReqId,
            TunnelSource = request.TunnelSource?.Address ?? default,
            TunnelDestination = request.TunnelDestination?.Address ?? default,
        };
        return true;
    }
}

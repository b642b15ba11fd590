using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Policies;

/// <summary>The rules a policy must meet before the SPD installs it (the checks of Linux's verify_newpolicy_info and validate_tmpl).</summary>
internal static class PolicyValidator
{
    public static bool IsValid(SecurityPolicy policy) =>
        Enum.IsDefined(policy.Direction)
        && Enum.IsDefined(policy.Action)
        && IsValid(policy.Selector)
        && policy.SoftLimits.FitsWithin(policy.HardLimits)
        && AreTemplatesValid(policy);

    /// <summary>The constructor enforces one IP version, but <c>with</c> can still pair prefixes of two.</summary>
    private static bool IsValid(Selector selector) =>
        selector.Source.Version != IpVersion.None && selector.Source.Version == selector.Destination.Version;

    private static bool AreTemplatesValid(SecurityPolicy policy)
    {
        IpVersion policyFamily = policy.Selector.Version;
        IpVersion innerFamily = policyFamily;
        foreach (PolicyTemplate template in policy.Templates)
        {
            if (!Enum.IsDefined(template.Protocol) || !Enum.IsDefined(template.Mode) || !Enum.IsDefined(template.Level))
            {
                return false;
            }

            IpVersion source = template.TunnelSource.Version;
            IpVersion destination = template.TunnelDestination.Version;
            if (source != IpVersion.None && destination != IpVersion.None && source != destination)
            {
                return false;
            }

            // A template without endpoints is of the policy's family, as Linux assumes for templates with family 0.
            IpVersion outerFamily = destination != IpVersion.None ? destination : source != IpVersion.None ? source : policyFamily;
            if (template.Mode == XfrmMode.Transport)
            {
                // Only an encapsulating mode can put the packet into another IP version.
                if (outerFamily != innerFamily)
                {
                    return false;
                }
            }
            else if (template.IsOptional && policy.Direction == PolicyDirection.Out)
            {
                // Skipping an optional tunnel on output would send the packet with the wrong outer addresses.
                return false;
            }

            innerFamily = outerFamily;
        }

        return true;
    }
}

using Netipsec.Policies;

namespace Netipsec.Daemon.Config;

/// <summary>What names a policy in the SPD, as SPDDELETE does: its direction and selector.</summary>
internal readonly record struct PolicyKey(PolicyDirection Direction, Selector Selector)
{
    public static PolicyKey Of(SecurityPolicy policy) => new(policy.Direction, policy.Selector);
}

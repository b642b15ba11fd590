using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Daemon.Config;

/// <summary>
/// When an installed SA or policy is the one a configuration asks for: a reload keeps it running (sequence numbers,
/// replay window and counters intact) only when everything a setkey statement can say about it is equal.
/// </summary>
internal static class ConfigurationEquality
{
    /// <summary>Same addresses, mode, algorithms and keys, flags, replay, ESN, padding, selector, lifetimes and encapsulation.</summary>
    public static bool SameState(SecurityAssociation installed, SecurityAssociation wanted) =>
        installed.Id == wanted.Id
        && installed.Source == wanted.Source
        && installed.Mode == wanted.Mode
        && installed.ReqId == wanted.ReqId
        && SameAlgorithm(installed.Authentication, wanted.Authentication)
        && SameAlgorithm(installed.Encryption, wanted.Encryption)
        && SameAlgorithm(installed.Compression, wanted.Compression)
        && (installed.Flags & ~SaFlags.Used) == (wanted.Flags & ~SaFlags.Used)
        && installed.ReplayWindowSize == wanted.ReplayWindowSize
        && installed.ExtendedSequenceNumbers == wanted.ExtendedSequenceNumbers
        && installed.Padding == wanted.Padding
        && Equals(installed.InnerSelector, wanted.InnerSelector)
        && installed.SoftLimits == wanted.SoftLimits
        && installed.HardLimits == wanted.HardLimits
        && Equals(installed.KeyedNatTraversal, wanted.NatTraversal); // a NAT port the SA followed is no change of configuration

    /// <summary>Same direction, selector, action, priority, templates and lifetimes.</summary>
    public static bool SamePolicy(SecurityPolicy installed, SecurityPolicy wanted) =>
        installed.Direction == wanted.Direction
        && installed.Selector == wanted.Selector
        && installed.Action == wanted.Action
        && installed.Priority == wanted.Priority
        && installed.Templates.SequenceEqual(wanted.Templates)
        && installed.SoftLimits == wanted.SoftLimits
        && installed.HardLimits == wanted.HardLimits;

    private static bool SameAlgorithm(SaAlgorithm? installed, SaAlgorithm? wanted) =>
        installed is null ? wanted is null : wanted is not null && installed.HasSameKey(wanted);
}

using Netipsec.States;

namespace Netipsec.Policies;

/// <summary>
/// One entry of the Security Policy Database (Linux's xfrm_policy, RFC 4301 §4.4.1): for traffic in a direction
/// matching the selector, the action to take and, for <see cref="PolicyAction.Ipsec"/>, the templates of the SAs to
/// apply, innermost first.
/// </summary>
/// <remarks>
/// The configuration is immutable; an update replaces the policy object in the SPD. Only the current lifetime and
/// the dead flag change while a policy is installed, both safe to touch from the data path.
/// </remarks>
public sealed class SecurityPolicy
{
    /// <summary>Linux's XFRM_MAX_DEPTH: at most this many transforms in one bundle.</summary>
    public const int MaxTemplates = 6;

    private int _softExpired; // 1 once the soft lifetime ran out; set by one thread only (Interlocked)

    public SecurityPolicy(PolicyDirection direction, Selector selector, PolicyAction action, IReadOnlyList<PolicyTemplate>? templates = null)
    {
        ArgumentNullException.ThrowIfNull(selector);
        templates ??= [];
        if (templates.Count > MaxTemplates)
        {
            throw new ArgumentException($"A policy has at most {MaxTemplates} templates.", nameof(templates));
        }

        if (action == PolicyAction.Ipsec ? templates.Count == 0 : templates.Count != 0)
        {
            throw new ArgumentException("An ipsec policy needs templates; a bypass or block policy has none.", nameof(templates));
        }

        Direction = direction;
        Selector = selector;
        Action = action;
        Templates = [.. templates];
    }

    public PolicyDirection Direction { get; }

    public Selector Selector { get; }

    public PolicyAction Action { get; }

    /// <summary>The SAs to apply, innermost first (the order of setkey's request list).</summary>
    public IReadOnlyList<PolicyTemplate> Templates { get; }

    /// <summary>Lower values win; equal priorities go to the policy installed first.</summary>
    public uint Priority { get; init; }

    /// <summary>The unique index the SPD gave the policy (0 until it is installed).</summary>
    public uint Index { get; internal set; }

    public LifetimeLimits SoftLimits { get; init; }

    public LifetimeLimits HardLimits { get; init; }

    /// <summary>Bytes and packets matched so far; add and first-use times.</summary>
    public LifetimeCurrent Current { get; internal set; } = new(DateTimeOffset.UnixEpoch);

    /// <summary>Bumped by the SPD whenever this policy changes, so cached bundles built from it are rebuilt.</summary>
    public uint GenerationId { get; internal set; }

    /// <summary>Set once the policy left the SPD (deleted, flushed or hard-expired); holders must stop using it.</summary>
    public bool IsDead { get; internal set; }

    /// <summary>True once a soft lifetime limit was reached; key managers hear of it once, and the policy keeps working.</summary>
    public bool IsSoftExpired => Volatile.Read(ref _softExpired) != 0;

    /// <summary>Marks the soft expiry; true only for the one caller that marked it first, which then raises the event.</summary>
    internal bool TryMarkSoftExpired() => Interlocked.Exchange(ref _softExpired, 1) == 0;

    public override string ToString() =>
        $"{Selector} dir {Direction.ToString().ToLowerInvariant()} {Action.ToString().ToLowerInvariant()} priority {Priority} index {Index}";
}

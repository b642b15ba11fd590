namespace Netipsec.Policies;

/// <summary>
/// An installed policy with its place in lookup order: the lower <see cref="Priority"/> wins, and on equal
/// priority the lower <see cref="Order"/> (the policy installed first).
/// </summary>
internal readonly struct RankedPolicy(SecurityPolicy policy, ulong order)
{
    public SecurityPolicy Policy { get; } = policy;

    /// <summary>A copy of the policy's priority, so ordering never has to follow the reference.</summary>
    public uint Priority { get; } = policy.Priority;

    /// <summary>Insertion order: unique per entry in the SPD, increasing with each insert.</summary>
    public ulong Order { get; } = order;

    /// <summary>True when this entry wins over <paramref name="other"/> if both match a flow.</summary>
    public bool Precedes(in RankedPolicy other) =>
        Priority < other.Priority || (Priority == other.Priority && Order < other.Order);
}

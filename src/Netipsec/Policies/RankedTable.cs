namespace Netipsec.Policies;

/// <summary>
/// A <see cref="PrefixTable"/> as readers see it: with the best (lowest) priority it held when it was published.
/// That value is always a lower bound on the priorities a reader can find in the table, which is what makes
/// priority pruning exact (see <see cref="PolicyTupleSpace"/>).
/// </summary>
internal readonly struct RankedTable(uint bestPriority, PrefixTable table)
{
    public uint BestPriority { get; } = bestPriority;

    public PrefixTable Table { get; } = table;
}

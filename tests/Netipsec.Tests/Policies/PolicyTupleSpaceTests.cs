using Netipsec.Policies;
using static Netipsec.Tests.Policies.PolicyBuilder;

namespace Netipsec.Tests.Policies;

/// <summary>The table order that priority pruning relies on: ascending best priority, one entry per non-empty table.</summary>
public sealed class PolicyTupleSpaceTests
{
    private readonly PolicyTupleSpace _space = new();
    private ulong _order;

    private RankedPolicy Insert(string source, string destination, uint priority)
    {
        var entry = new RankedPolicy(Bypass(Sel(source, destination), priority), ++_order);
        _space.Change(entry.Policy.Selector, null, entry);
        return entry;
    }

    private (uint Best, int DestinationLength, int SourceLength)[] Published()
    {
        var tables = new List<(uint, int, int)>();
        foreach (RankedTable ranked in _space.PublishedTables)
        {
            tables.Add((ranked.BestPriority, ranked.Table.DestinationLength, ranked.Table.SourceLength));
        }

        return [.. tables];
    }

    [Fact]
    public void Tables_are_published_in_ascending_order_of_their_best_priority()
    {
        Insert("10.0.0.0/8", "0.0.0.0/0", 30);
        Insert("10.1.0.0/16", "0.0.0.0/0", 10);
        Insert("10.1.1.0/24", "192.0.2.0/24", 20);
        Insert("11.0.0.0/8", "0.0.0.0/0", 5);

        Assert.Equal([(5u, 0, 8), (10u, 0, 16), (20u, 24, 24)], Published());
    }

    [Fact]
    public void A_table_moves_when_its_best_priority_changes_and_leaves_when_empty()
    {
        RankedPolicy best = Insert("10.0.0.0/8", "0.0.0.0/0", 1);
        Insert("11.0.0.0/8", "0.0.0.0/0", 40);
        RankedPolicy other = Insert("10.1.0.0/16", "0.0.0.0/0", 20);

        _space.Change(best.Policy.Selector, best, null);
        Assert.Equal([(20u, 0, 16), (40u, 0, 8)], Published());

        _space.Change(other.Policy.Selector, other, null);
        Assert.Equal([(40u, 0, 8)], Published());
    }

    [Fact]
    public void Replacing_a_policy_republishes_its_new_priority()
    {
        RankedPolicy old = Insert("10.0.0.0/8", "0.0.0.0/0", 50);
        Insert("10.1.0.0/16", "0.0.0.0/0", 20);
        var replacement = new RankedPolicy(Block(old.Policy.Selector, 3), ++_order);

        _space.Change(old.Policy.Selector, old, replacement);

        Assert.Equal([(3u, 0, 8), (20u, 0, 16)], Published());
        Assert.Same(replacement.Policy, _space.Lookup(FlowOf("10.1.0.1", "192.0.2.1")));
    }

    [Fact]
    public void Clear_publishes_an_empty_index()
    {
        Insert("10.0.0.0/8", "0.0.0.0/0", 1);

        _space.Clear();

        Assert.Empty(Published());
        Assert.Null(_space.Lookup(FlowOf("10.0.0.1", "192.0.2.1")));
    }
}

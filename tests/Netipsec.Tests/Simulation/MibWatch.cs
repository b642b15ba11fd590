using Netipsec.Engine;
using Netipsec.Simulation;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// The MIB counters of every host of a topology at one moment, to assert that exactly one counter of one host moved
/// since (the "every drop increments exactly one counter" rule, seen from the outside).
/// </summary>
internal sealed class MibWatch(params SimulatedHost[] hosts)
{
    private readonly (SimulatedHost Host, SimulatedHostCounters Counters)[] _watched =
        [.. hosts.Select(h => (h, new SimulatedHostCounters(h)))];

    /// <summary>Asserts that <paramref name="host"/>'s only change is <paramref name="reason"/> by <paramref name="count"/>, and no other host changed.</summary>
    public void AssertOnly(SimulatedHost host, DropReason reason, long count = 1)
    {
        foreach ((SimulatedHost watched, SimulatedHostCounters counters) in _watched)
        {
            Dictionary<DropReason, long> expected = watched == host ? new() { [reason] = count } : [];
            Assert.True(
                expected.OrderBy(e => e.Key).SequenceEqual(counters.Changes().OrderBy(e => e.Key)),
                $"{watched.Name}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", counters.Changes())}]");
        }
    }

    /// <summary>Asserts that no counter of any host moved.</summary>
    public void AssertNone()
    {
        foreach ((SimulatedHost watched, SimulatedHostCounters counters) in _watched)
        {
            Assert.True(counters.Changes().Count == 0, $"{watched.Name}: unexpected [{string.Join(", ", counters.Changes())}]");
        }
    }
}

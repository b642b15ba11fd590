using Netipsec.Engine;
using Netipsec.Simulation;

namespace Netipsec.Tests.Simulation;

/// <summary>The MIB counters of one simulated host, for asserting that exactly the expected one moved.</summary>
internal sealed class SimulatedHostCounters(SimulatedHost host)
{
    private readonly long[] _before = host.Engine.Statistics.Snapshot();

    public long Total => host.Engine.Statistics.Snapshot().Sum();

    /// <summary>The counters that changed since this object was made, with their increase.</summary>
    public Dictionary<DropReason, long> Changes()
    {
        long[] now = host.Engine.Statistics.Snapshot();
        var changes = new Dictionary<DropReason, long>();
        for (int i = 1; i < now.Length; i++)
        {
            if (now[i] != _before[i])
            {
                changes[(DropReason)i] = now[i] - _before[i];
            }
        }

        return changes;
    }
}

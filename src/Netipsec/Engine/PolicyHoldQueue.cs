using Netipsec.Packets;

namespace Netipsec.Engine;

/// <summary>The packets one policy holds, oldest first, with the time each was queued. Guarded by <see cref="Sync"/>.</summary>
internal sealed class PolicyHoldQueue
{
    public Lock Sync { get; } = new();

    public Queue<(Packet Packet, long QueuedAt)> Packets { get; } = new();

    /// <summary>Set, under <see cref="Sync"/>, when the queue left the holder's table: a holder that finds it set looks again.</summary>
    public bool Retired { get; set; }
}

using System.Numerics;
using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.Engine;

/// <summary>The key of a <see cref="FlowCache"/> entry: a direction and a flow, compared field by field without boxing.</summary>
internal readonly record struct FlowKey(PolicyDirection Direction, Flow Flow)
{
    /// <summary>
    /// A hash for the cache's slot index: a multiply-xorshift over the folded fields, a few instructions where the
    /// generated record hash combines every field through <see cref="HashCode"/>. No secret seed is needed: flows that
    /// collide only evict each other from the cache, they never make a lookup slower.
    /// </summary>
    public ulong SlotHash()
    {
        ulong ports = ((ulong)Flow.SourcePort << 16) | Flow.DestinationPort;
        ulong rest = ports | ((ulong)Flow.Protocol << 32) | ((ulong)Direction << 40) | ((ulong)(uint)Flow.InterfaceIndex << 44);
        ulong hash = Flow.Source.Fold() ^ BitOperations.RotateLeft(Flow.Destination.Fold(), 29) ^ (rest * 0xC2B2AE3D27D4EB4FUL);
        hash ^= hash >> 31;
        hash *= 0x94D049BB133111EBUL;
        return hash ^ (hash >> 29);
    }
}

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
    public static ulong SlotHash(PolicyDirection direction, in Flow flow)
    {
        ulong ports = ((ulong)flow.SourcePort << 16) | flow.DestinationPort;
        ulong rest = ports | ((ulong)flow.Protocol << 32) | ((ulong)direction << 40) | ((ulong)(uint)flow.InterfaceIndex << 44);
        ulong hash = flow.Source.Fold() ^ BitOperations.RotateLeft(flow.Destination.Fold(), 29) ^ (rest * 0xC2B2AE3D27D4EB4FUL);
        hash ^= hash >> 31;
        hash *= 0x94D049BB133111EBUL;
        return hash ^ (hash >> 29);
    }

    /// <summary>True when this key is <paramref name="direction"/> and <paramref name="flow"/>, compared in place (a flow is 64 bytes).</summary>
    public bool Is(PolicyDirection direction, in Flow flow) => Direction == direction && Flow == flow;
}

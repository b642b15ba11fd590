using System.Numerics;
using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.Engine;

/// <summary>Where a (direction, flow) goes in a <see cref="FlowCache"/>: the set index's hash.</summary>
internal static class FlowHash
{
    // Mixed into every hash so that which flows share a set differs from process to process: nobody outside can pick
    // flows that keep evicting somebody else's.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    /// <summary>
    /// A hash for the cache's set index: a multiply-xorshift over the folded fields and a per-process seed, a few
    /// instructions where the generated record hash combines every field through <see cref="HashCode"/>.
    /// </summary>
    public static ulong SlotHash(PolicyDirection direction, in Flow flow)
    {
        ulong ports = ((ulong)flow.SourcePort << 16) | flow.DestinationPort;
        ulong rest = ports | ((ulong)flow.Protocol << 32) | ((ulong)direction << 40) | ((ulong)(uint)flow.InterfaceIndex << 44);
        // The seed goes in first and every field after a multiplication, so no field can cancel another's bits
        // without the seed being known.
        ulong hash = (flow.Source.Fold() + Seed) * 0x9E3779B97F4A7C15UL;
        hash = (hash ^ BitOperations.RotateLeft(flow.Destination.Fold(), 29)) * 0xC2B2AE3D27D4EB4FUL;
        hash = (hash ^ rest) * 0x94D049BB133111EBUL;
        return hash ^ (hash >> 29);
    }
}

namespace Netipsec.Engine;

/// <summary>What the caller of <see cref="HoldQueue.Process{TState}"/> did with a held packet it was offered.</summary>
public enum HeldPacketVerdict : byte
{
    /// <summary>The bundle is still incomplete: the packet, and every packet queued behind it for the policy, stays held.</summary>
    Keep,

    /// <summary>The caller took the packet (sent it, or dropped and counted it): the queue forgets it.</summary>
    Taken,
}

namespace Netipsec.Engine;

/// <summary>What one <see cref="HoldQueue.Process{TState}"/> pass did with the held packets.</summary>
/// <param name="Taken">Packets the caller took (<see cref="HeldPacketVerdict.Taken"/>).</param>
/// <param name="Expired">Packets held longer than the timeout, returned to their pool: the caller adds them to <see cref="DropReason.OutNoStates"/>.</param>
/// <param name="PolicyDead">Packets of policies that left the SPD, returned to their pool: the caller adds them to <see cref="DropReason.OutPolDead"/>.</param>
public readonly record struct HoldQueueSweep(int Taken, int Expired, int PolicyDead);

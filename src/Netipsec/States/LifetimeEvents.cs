namespace Netipsec.States;

/// <summary>What counting one packet against an SA's lifetime triggered; anything but None sends the data path to the database's lock.</summary>
[Flags]
internal enum LifetimeEvents
{
    None = 0,

    /// <summary>The first packet of an SA with a use-time limit: its deadline must be scheduled now.</summary>
    FirstUseDeadline = 1,

    SoftReached = 2,

    HardReached = 4,
}

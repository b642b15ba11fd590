using Netipsec.Packets;

namespace Netipsec.Engine;

/// <summary>Settings of an <see cref="XfrmOutput"/>.</summary>
public sealed record XfrmOutputOptions
{
    /// <summary>
    /// Linux's xfrm_larval_drop: true (the default) drops packets whose SAs do not exist yet (after raising the
    /// ACQUIRE); false keeps up to <see cref="HoldQueue.MaxPacketsPerPolicy"/> of them per policy until the SAs arrive.
    /// </summary>
    public bool LarvalDrop { get; init; } = true;

    /// <summary>How long a held packet waits for its SAs before it is dropped.</summary>
    public TimeSpan HoldTimeout { get; init; } = HoldQueue.DefaultTimeout;

    /// <summary>The MTU of the link protected packets leave by; larger results are refused (ICMP) or fragmented.</summary>
    public int LinkMtu { get; init; } = 1500;

    /// <summary>The source of ICMP errors about IPv4 packets; unset uses the outer source address of the packet's SA.</summary>
    public IpAddress IcmpSourceV4 { get; init; }

    /// <summary>The source of ICMPv6 errors; unset uses the outer source address of the packet's SA.</summary>
    public IpAddress IcmpSourceV6 { get; init; }

    /// <summary>ICMP "fragmentation needed" / "Packet Too Big" errors sent per second at most, after the burst.</summary>
    public double IcmpErrorsPerSecond { get; init; } = 100;

    /// <summary>ICMP errors that may go out at once before <see cref="IcmpErrorsPerSecond"/> applies.</summary>
    public int IcmpErrorBurst { get; init; } = 50;

    /// <summary>Slots of the flow cache of policies and bundles: rounded up to a power of two, at most <see cref="FlowCache.MaxCapacity"/> (more throws when the output path is built).</summary>
    public int FlowCacheCapacity { get; init; } = FlowCache.DefaultCapacity;
}

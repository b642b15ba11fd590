using System.Globalization;
using Microsoft.Extensions.Configuration;
using Netipsec.NatTraversal;

namespace Netipsec.Daemon.Hosting;

/// <summary>
/// netipsecd's settings: the "Netipsec" configuration section, which command-line switches (<see cref="Switches"/>)
/// and environment variables (NETIPSEC__TUNNAME ...) fill as usual for Microsoft.Extensions.Hosting.
/// </summary>
internal sealed class DaemonOptions
{
    /// <summary>The configuration section the options bind to.</summary>
    public const string Section = "Netipsec";

    /// <summary>The short command-line switches and the option each sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--tun"] = $"{Section}:{nameof(TunName)}",
        ["--address"] = $"{Section}:{nameof(Address)}",
        ["--mtu"] = $"{Section}:{nameof(Mtu)}",
        ["--wire-mtu"] = $"{Section}:{nameof(WireMtu)}",
        ["--queues"] = $"{Section}:{nameof(Queues)}",
        ["--batch"] = $"{Section}:{nameof(BatchSize)}",
        ["--nat-port"] = $"{Section}:{nameof(NatTraversalPort)}",
        ["--larval-drop"] = $"{Section}:{nameof(LarvalDrop)}",
        ["--nat-keepalive"] = $"{Section}:{nameof(NatKeepaliveSeconds)}",
        ["--nat-follow"] = $"{Section}:{nameof(NatFollowPortChanges)}",
        ["--config"] = $"{Section}:{nameof(ConfigPath)}",
        ["--pfkey-socket"] = $"{Section}:{nameof(PfKeySocketPath)}",
        ["--control"] = $"{Section}:{nameof(ControlSocketPath)}",
        ["--route-table"] = $"{Section}:{nameof(RouteTable)}",
        ["--route-mark"] = $"{Section}:{nameof(RouteMark)}",
        ["--route-priority"] = $"{Section}:{nameof(RoutePriority)}",
    };

    /// <summary>The TUN interface's name.</summary>
    public string TunName { get; set; } = "netipsec0";

    /// <summary>Addresses for the TUN interface, comma-separated prefixes ("10.1.0.1/32,2001:db8::1/128"); empty for none.</summary>
    public string Address { get; set; } = string.Empty;

    /// <summary>The TUN interface's MTU: the wire MTU minus the tunnel's overhead, so inner packets rarely need fragmenting.</summary>
    public int Mtu { get; set; } = 1400;

    /// <summary>The MTU of the link protected packets leave by.</summary>
    public int WireMtu { get; set; } = 1500;

    /// <summary>TUN queues, each with its own reader thread; 0 for one per core.</summary>
    public int Queues { get; set; }

    /// <summary>The most packets one device call moves.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>The UDP port of ESP in UDP (RFC 3948); 0 for none.</summary>
    public int NatTraversalPort { get; set; } = 4500;

    /// <summary>
    /// Linux's xfrm_larval_drop: true drops a packet whose SAs do not exist yet, once its ACQUIRE went to the key
    /// manager; false holds it (a few per policy, for a while) and sends it once the key manager installed the SAs,
    /// so the first packet of a flow is not lost to the negotiation.
    /// </summary>
    public bool LarvalDrop { get; set; } = true;

    /// <summary>Seconds between the NAT keepalives of each outbound UDP-encapsulated SA (RFC 3948 §4 suggests 20); at least 1, the timer's tick.</summary>
    public int NatKeepaliveSeconds { get; set; } = (int)NatTraversalOptions.DefaultKeepaliveInterval.TotalSeconds;

    /// <summary>
    /// Follows a NAT that moves the peer to another port (see <see cref="NatTraversalOptions.FollowPortChanges"/>): on
    /// by default, since a daemon configured by a static file has no key manager to do it. Off, a change is only
    /// reported (SADB_X_NAT_T_NEW_MAPPING, the monitor) for a key manager to follow with UPDATE.
    /// </summary>
    public bool NatFollowPortChanges { get; set; } = true;

    /// <summary>
    /// The routing table for the routes of transport-mode policies, which only packets without <see cref="RouteMark"/>
    /// consult (strongSwan's 220 by default); 0 routes no transport policy and marks nothing.
    /// </summary>
    public int RouteTable { get; set; } = 220;

    /// <summary>The firewall mark (SO_MARK) on the daemon's wire sockets, so its own packets skip <see cref="RouteTable"/>; "0x" for hex.</summary>
    public uint RouteMark { get; set; } = 0x4e49; // "NI"

    /// <summary>The priority of the rule that sends unmarked packets to <see cref="RouteTable"/>; before main's 32766.</summary>
    public int RoutePriority { get; set; } = 220;

    /// <summary>Packets in the pool: in flight, queued in batches, held or being reassembled at once.</summary>
    public int PoolSize { get; set; } = 4096;

    /// <summary>The setkey-syntax configuration file; a missing file means an empty configuration.</summary>
    public string ConfigPath { get; set; } = "/etc/netipsec/netipsec.conf";

    /// <summary>The Unix socket key managers speak PF_KEY v2 on.</summary>
    public string PfKeySocketPath { get; set; } = "/run/netipsec/pfkey.sock";

    /// <summary>The Unix socket the netipsec CLI asks for tables, counters and events.</summary>
    public string ControlSocketPath { get; set; } = "/run/netipsec/control.sock";

    /// <summary>The queue count to use: <see cref="Queues"/>, or one per core.</summary>
    public int EffectiveQueues => Queues > 0 ? Queues : Environment.ProcessorCount;

    /// <summary>
    /// Reads the options from <paramref name="configuration"/> and checks their ranges before anything starts, so a
    /// wrong switch is one line naming it, not a stack trace from deep in the host.
    /// </summary>
    /// <returns>Null when the options are usable, else what is wrong with which switch.</returns>
    public static string? TryLoad(IConfiguration configuration, out DaemonOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options = new DaemonOptions();
        try
        {
            configuration.GetSection(Section).Bind(options);
        }
        catch (InvalidOperationException exception)
        {
            // The binder names the key and the type ("Failed to convert configuration value 'x' at 'Netipsec:Mtu'
            // ..."), with the value's own parse error inside; the switch that sets the key goes in front.
            string? option = Switches.FirstOrDefault(pair => exception.Message.Contains($"'{pair.Value}'", StringComparison.Ordinal)).Key;
            string reason = exception.InnerException is { } inner ? $"{exception.Message} {inner.Message}" : exception.Message;
            return option is null ? reason : $"{option}: {reason}";
        }

        return options.RangeError();
    }

    private string? RangeError() =>
        OutOfRange("--mtu", Mtu, 68, 65535)
        ?? OutOfRange("--wire-mtu", WireMtu, 68, 65535)
        ?? OutOfRange("--queues", Queues, 0, 256)
        ?? OutOfRange("--batch", BatchSize, 1, 1024)
        ?? OutOfRange("--nat-port", NatTraversalPort, 0, 65535)
        ?? OutOfRange("--nat-keepalive", NatKeepaliveSeconds, 1, 86400)
        ?? OutOfRange($"{Section}:{nameof(PoolSize)}", PoolSize, BatchSize, 1 << 20)
        ?? OutOfRange("--route-table", RouteTable, 0, int.MaxValue)
        ?? OutOfRange("--route-priority", RoutePriority, 1, 32765)
        ?? RouteTableError();

    /// <summary>The kernel's own tables would mix the transport routes into every packet's lookup; a zero mark is every packet's.</summary>
    private string? RouteTableError() => RouteTable switch
    {
        0 => null,
        >= 253 and <= 255 => string.Create(CultureInfo.InvariantCulture, $"--route-table must not be one of the kernel's tables 253 (default), 254 (main), 255 (local), found {RouteTable}"),
        _ when RouteMark == 0 => "--route-mark must not be 0 while --route-table is set: 0 is the mark of every other packet",
        _ => null,
    };

    private static string? OutOfRange(string option, int value, int min, int max) =>
        value < min || value > max
            ? string.Create(CultureInfo.InvariantCulture, $"{option} must be {min} to {max}, found {value}")
            : null;
}

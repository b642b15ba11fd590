using Microsoft.Extensions.Logging;
using Netipsec.Common;
using Netipsec.Crypto.IntelIpsecMb;
using Netipsec.Daemon.DataPlane;
using Netipsec.Daemon.Tun;
using Netipsec.Daemon.Wire;
using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.PfKey.Service;

namespace Netipsec.Daemon.Hosting;

/// <summary>
/// Everything one netipsecd instance holds: the engine and its PF_KEY service (built with the host), and the TUN
/// interface, wire sockets, packet paths and routes (opened by <see cref="Open"/> when the host starts, released
/// by <see cref="Shutdown"/> when it stops). The composition root of the daemon; nothing in it is static.
/// </summary>
internal sealed class DaemonRuntime : IDisposable
{
    private readonly DaemonOptions _options;
    private readonly ILogger _logger;
    private TunLink? _link;
    private LinuxTunDevice? _tun;
    private LinuxWireBind? _wire;
    private Gateway? _gateway;
    private PolicyRoutes? _routes;

    /// <param name="options">Options <see cref="DaemonOptions.TryLoad"/> accepted.</param>
    /// <param name="logger">The runtime's log.</param>
    public DaemonRuntime(DaemonOptions options, ILogger<DaemonRuntime> logger)
    {
        _options = options;
        _logger = logger;
        var natTraversal = new NatTraversalOptions
        {
            Ports = options.NatTraversalPort == 0 ? [] : [(ushort)options.NatTraversalPort],
            KeepaliveInterval = TimeSpan.FromSeconds(options.NatKeepaliveSeconds),
            FollowPortChanges = options.NatFollowPortChanges,
        };
        Engine = new XfrmEngine(TimeProvider.System, CryptoEngines.CreateRegistry(), natTraversal: natTraversal);
        PfKey = new PfKeyService(Engine);
        Pool = new PacketPool(options.PoolSize, diagnostics: false);
    }

    public XfrmEngine Engine { get; }

    public PfKeyService PfKey { get; }

    public PacketPool Pool { get; }

    public DaemonStatistics Statistics { get; } = new();

    public LocalAddresses LocalAddresses { get; } = new();

    /// <summary>The packet paths, once <see cref="Open"/> ran.</summary>
    public Gateway Gateway => _gateway ?? throw new InvalidOperationException("The data plane is not open.");

    /// <summary>The routes into the TUN, once <see cref="Open"/> ran. Only the timer loop changes them while running.</summary>
    public PolicyRoutes Routes => _routes ?? throw new InvalidOperationException("The data plane is not open.");

    /// <summary>Writes the daemon's counters and the devices' error counters, for <c>stats</c>.</summary>
    public void WriteCounters(TextWriter output)
    {
        Statistics.WriteTo(output);
        EnumCounters<NatTraversalCounter> natTraversal = Engine.NatTraversal.Statistics;
        DaemonStatistics.Write(output, "NatKeepalivesSent", natTraversal[NatTraversalCounter.KeepalivesSent]);
        DaemonStatistics.Write(output, "NatKeepalivesReceived", natTraversal[NatTraversalCounter.KeepalivesReceived]);
        DaemonStatistics.Write(output, "NatIkeHandedOff", natTraversal[NatTraversalCounter.IkePacketsHandedOff]);
        DaemonStatistics.Write(output, "NatIkeUnhandled", natTraversal[NatTraversalCounter.IkePacketsUnhandled]);
        DaemonStatistics.Write(output, "NatMappingChanges", natTraversal[NatTraversalCounter.MappingChanges]);
        DaemonStatistics.Write(output, "TunReadErrors", _tun?.ReadErrors ?? 0);
        DaemonStatistics.Write(output, "TunWriteErrors", _tun?.WriteErrors ?? 0);
        DaemonStatistics.Write(output, "WireReceiveErrors", _wire?.ReceiveErrors ?? 0);
        DaemonStatistics.Write(output, "WireMalformed", _wire?.Malformed ?? 0);
        DaemonStatistics.Write(output, "WireSendErrors", _wire?.SendErrors ?? 0);
    }

    /// <summary>Creates the TUN interface, configures it, opens the wire sockets and builds the packet paths.</summary>
    /// <exception cref="IOException">The kernel refused one of those steps.</exception>
    /// <exception cref="FormatException">An address option is not a prefix.</exception>
    public void Open()
    {
        List<IpPrefix> addresses = ParseAddresses(_options.Address);
        _tun = LinuxTunDevice.Open(_options.TunName, _options.EffectiveQueues);
        _link = TunLink.Configure(_tun.Name, _options.Mtu, addresses);
        DaemonLog.TunUp(_logger, _tun.Name, _tun.QueueCount, _options.Mtu, string.Join(", ", addresses));
        _wire = new LinuxWireBind((ushort)_options.NatTraversalPort, _options.BatchSize);
        DaemonLog.WireOpen(_logger, _wire.IPv6 ? " and IPv6" : "", _options.NatTraversalPort);
        _routes = new PolicyRoutes(_link, _logger);
        _gateway = new Gateway(Engine, _tun, _wire, Pool, Statistics, new GatewaySettings(_options.BatchSize, _options.WireMtu, _options.LarvalDrop), LocalAddresses.Contains);
    }

    /// <summary>Removes the routes, the TUN interface and the sockets (the loops have stopped).</summary>
    public void Shutdown()
    {
        _routes?.RemoveAll();
        string? name = _tun?.Name;
        Dispose();
        if (name is not null)
        {
            DaemonLog.Stopped(_logger, name);
        }
    }

    public void Dispose()
    {
        _gateway?.Close();
        _wire?.Dispose();
        _link?.Dispose();
        _tun?.Dispose();
        _gateway = null;
        _wire = null;
        _link = null;
        _tun = null;
    }

    /// <summary>Parses the comma-separated TUN addresses.</summary>
    /// <exception cref="FormatException">An entry is not an address with a prefix length.</exception>
    internal static List<IpPrefix> ParseAddresses(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(static entry => IpPrefix.TryParse(entry, out IpPrefix prefix) ? prefix : throw new FormatException($"'{entry}' is not an address/prefix-length"))];
}

using Microsoft.Extensions.Logging;
using Netipsec.Common;
using Netipsec.Crypto.IntelIpsecMb;
using Netipsec.Daemon.DataPlane;
using Netipsec.Daemon.Netlink;
using Netipsec.Daemon.Tun;
using Netipsec.Daemon.Wire;
using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.PfKey.Service;
using Netipsec.Policies;
using Netipsec.States;

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
    private PolicyRoutes? _tunnelRoutes;
    private PolicyRoutes? _transportRoutes;
    private readonly List<IpVersion> _ruleFamilies = [];

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

    /// <summary>Brings the routes into the TUN in line with <paramref name="policies"/>; only the timer loop calls it while running.</summary>
    public void SynchronizeRoutes(IReadOnlyCollection<SecurityPolicy> policies)
    {
        if (_tunnelRoutes is null)
        {
            throw new InvalidOperationException("The data plane is not open.");
        }

        _tunnelRoutes.Synchronize(policies);
        _transportRoutes?.Synchronize(policies);
    }

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

    /// <summary>
    /// Creates the TUN interface, configures it, opens the (marked) wire sockets, installs the rule to the transport
    /// routes' table and builds the packet paths.
    /// </summary>
    /// <exception cref="IOException">The kernel refused one of those steps.</exception>
    /// <exception cref="FormatException">An address option is not a prefix.</exception>
    public void Open()
    {
        List<IpPrefix> addresses = ParseAddresses(_options.Address);
        _tun = LinuxTunDevice.Open(_options.TunName, _options.EffectiveQueues);
        _link = TunLink.Configure(_tun.Name, _options.Mtu, addresses);
        DaemonLog.TunUp(_logger, _tun.Name, _tun.QueueCount, _options.Mtu, string.Join(", ", addresses));
        bool routesTransport = _options.RouteTable != 0;
        _wire = new LinuxWireBind((ushort)_options.NatTraversalPort, _options.BatchSize, routesTransport ? _options.RouteMark : 0);
        DaemonLog.WireOpen(_logger, _wire.IPv6 ? " and IPv6" : "", _options.NatTraversalPort);
        _tunnelRoutes = new PolicyRoutes(_link.RoutesIn(RouteNetlink.MainTable), XfrmMode.Tunnel, _logger);
        if (routesTransport)
        {
            UnmarkedRule rule = Rule;
            try
            {
                foreach (IpVersion version in _wire.IPv6 ? [IpVersion.V4, IpVersion.V6] : new[] { IpVersion.V4 })
                {
                    _link.AddRule(version, rule);
                    _ruleFamilies.Add(version);
                }
            }
            catch (IOException)
            {
                // A failed start never reaches Shutdown: the IPv4 rule must not outlive a refused IPv6 one.
                RemoveRules();
                throw;
            }

            DaemonLog.RuleAdded(_logger, rule.Mark, rule.Table, rule.Priority);
            _transportRoutes = new PolicyRoutes(_link.RoutesIn(rule.Table), XfrmMode.Transport, _logger);
        }

        _gateway = new Gateway(Engine, _tun, _wire, Pool, Statistics, new GatewaySettings(_options.BatchSize, _options.WireMtu, _options.LarvalDrop), LocalAddresses.Contains, BypassesToWire);
    }

    /// <summary>Removes the routes, the TUN interface and the sockets (the loops have stopped).</summary>
    public void Shutdown()
    {
        _tunnelRoutes?.RemoveAll();
        _transportRoutes?.RemoveAll();
        RemoveRules();
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

    private void RemoveRules()
    {
        foreach (IpVersion version in _ruleFamilies)
        {
            int errno = _link!.DeleteRule(version, Rule);
            if (errno != 0)
            {
                DaemonLog.RuleRemoveFailed(_logger, errno);
            }
        }

        _ruleFamilies.Clear();
    }

    private UnmarkedRule Rule => new(_options.RouteMark, _options.RouteTable, _options.RoutePriority);

    /// <summary>
    /// Whether a packet read from the TUN that no policy protects (the engine's bypass) goes out to the wire rather
    /// than being dropped: yes when a transport route brought it (a policy for the peer narrowed to some protocols or
    /// ports lets the rest of the traffic to that peer pass in the clear, as it would without the daemon), and no
    /// tunnel route in the main table covers it (its marked copy would be routed straight back into the TUN).
    /// </summary>
    private bool BypassesToWire(IpAddress destination) =>
        _transportRoutes is { } transport && transport.Covers(destination) && !_tunnelRoutes!.Covers(destination);

    /// <summary>Parses the comma-separated TUN addresses.</summary>
    /// <exception cref="FormatException">An entry is not an address with a prefix length.</exception>
    internal static List<IpPrefix> ParseAddresses(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(static entry => IpPrefix.TryParse(entry, out IpPrefix prefix) ? prefix : throw new FormatException($"'{entry}' is not an address/prefix-length"))];
}

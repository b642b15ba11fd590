using Microsoft.Extensions.Logging;
using Netipsec.Daemon.Hosting;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Daemon.Tun;

/// <summary>
/// Keeps one route into the TUN interface per destination prefix of the outbound policies of one mode, so the kernel
/// hands the traffic those policies protect to the daemon: routes are added when a policy appears and removed when
/// it goes (and all of them when the daemon stops). Tunnel mode routes each policy's remote subnet in the main
/// table; transport mode routes each policy's destination in the table that only unmarked packets consult (see
/// <see cref="Netlink.UnmarkedRule"/>), since the destination is the peer the daemon's own marked packets go to.
/// </summary>
/// <remarks>
/// A tunnel subnet that contains one of its own tunnel endpoints is not routed: the encrypted packets to that
/// endpoint would follow the main-table route back into the TUN and loop. Such a policy still applies to traffic
/// the administrator routes into the TUN in some narrower way. Not thread-safe except <see cref="Covers"/>: the
/// timer loop owns it.
/// </remarks>
internal sealed class PolicyRoutes
{
    private readonly IRouteTable _table;
    private readonly XfrmMode _mode;
    private readonly ILogger _logger;
    private readonly HashSet<TunRoute> _installed = [];
    private readonly HashSet<TunRoute> _refused = [];
    private volatile TunRoute[] _published = [];

    /// <param name="table">Where the routes go.</param>
    /// <param name="mode"><see cref="XfrmMode.Tunnel"/> or <see cref="XfrmMode.Transport"/>: the policies routed.</param>
    /// <param name="logger">The daemon's log.</param>
    public PolicyRoutes(IRouteTable table, XfrmMode mode, ILogger logger)
    {
        _table = table;
        _mode = mode;
        _logger = logger;
    }

    /// <summary>The routes installed now.</summary>
    public IReadOnlyCollection<TunRoute> Installed => _installed;

    /// <summary>
    /// The routes <paramref name="policies"/> of <paramref name="mode"/> ask for: the remote subnet of each outbound
    /// policy with a tunnel-mode template, or the destination of each outbound policy whose templates are all
    /// transport mode, with the selector's source as preferred source when that is one address (the packets must
    /// carry it to match the policy). One route per destination: the first policy (in SPD order) names its source.
    /// </summary>
    public static HashSet<TunRoute> Desired(IEnumerable<SecurityPolicy> policies, XfrmMode mode, ICollection<TunRoute>? looping = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        HashSet<TunRoute> desired = [];
        HashSet<IpPrefix> destinations = [];
        foreach (SecurityPolicy policy in policies)
        {
            if (policy.Direction != PolicyDirection.Out || policy.Action != PolicyAction.Ipsec || policy.IsDead || !IsOfMode(policy, mode))
            {
                continue;
            }

            IpPrefix remote = new(policy.Selector.Destination.Address.Mask(policy.Selector.Destination.Length), policy.Selector.Destination.Length);
            if (mode == XfrmMode.Tunnel
                && policy.Templates.Any(template => template.TunnelDestination.Version != IpVersion.None && remote.Contains(template.TunnelDestination)))
            {
                looping?.Add(new TunRoute(remote));
                continue;
            }

            IpPrefix source = policy.Selector.Source;
            bool oneSource = mode == XfrmMode.Transport && source.Length == source.Address.ByteLength * 8;
            if (destinations.Add(remote))
            {
                desired.Add(new TunRoute(remote, oneSource ? source.Address : default));
            }
        }

        return desired;
    }

    /// <summary>True when an installed route covers <paramref name="address"/>; safe from any thread, allocates nothing.</summary>
    public bool Covers(IpAddress address)
    {
        foreach (TunRoute route in _published)
        {
            if (route.Destination.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds the routes <paramref name="policies"/> need and removes those no policy needs any more.</summary>
    public void Synchronize(IEnumerable<SecurityPolicy> policies)
    {
        List<TunRoute> looping = [];
        HashSet<TunRoute> desired = Desired(policies, _mode, looping);
        foreach (TunRoute route in looping)
        {
            if (_refused.Add(route))
            {
                DaemonLog.RouteWouldLoop(_logger, route.ToString());
            }
        }

        foreach (TunRoute stale in _installed.Where(route => !desired.Contains(route)).ToList())
        {
            Remove(stale);
        }

        foreach (TunRoute wanted in desired)
        {
            if (!_installed.Contains(wanted))
            {
                int errno = _table.Add(wanted);
                if (errno == 0)
                {
                    _installed.Add(wanted);
                    DaemonLog.RouteAdded(_logger, wanted.ToString());
                }
                else if (_refused.Add(wanted))
                {
                    DaemonLog.RouteFailed(_logger, wanted.ToString(), errno);
                }
            }
        }

        Publish();
    }

    /// <summary>Removes every route this instance installed.</summary>
    public void RemoveAll()
    {
        foreach (TunRoute route in _installed.ToList())
        {
            Remove(route);
        }

        Publish();
    }

    /// <summary>
    /// Tunnel mode: any template is a tunnel (its bundle's outer header goes to the tunnel endpoint). Transport mode:
    /// every template is transport, so the packets keep the selector's destination.
    /// </summary>
    private static bool IsOfMode(SecurityPolicy policy, XfrmMode mode) => mode == XfrmMode.Tunnel
        ? policy.Templates.Any(static template => template.Mode == XfrmMode.Tunnel)
        : policy.Templates.Count > 0 && policy.Templates.All(static template => template.Mode == XfrmMode.Transport);

    private void Publish() => _published = [.. _installed];

    private void Remove(TunRoute route)
    {
        int errno = _table.Delete(route);
        _installed.Remove(route);
        _refused.Remove(route);
        if (errno == 0)
        {
            DaemonLog.RouteRemoved(_logger, route.ToString());
        }
        else
        {
            DaemonLog.RouteFailed(_logger, route.ToString(), errno);
        }
    }
}

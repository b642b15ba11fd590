using Microsoft.Extensions.Logging;
using Netipsec.Daemon.Hosting;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Daemon.Tun;

/// <summary>
/// Keeps one route into the TUN interface per remote subnet of a tunnel-mode outbound policy, so the kernel hands
/// exactly the traffic those policies protect to the daemon: routes are added when a policy appears and removed when
/// it goes (and all of them when the daemon stops).
/// </summary>
/// <remarks>
/// A subnet that contains one of its own tunnel endpoints is not routed: the encrypted packets to that endpoint
/// would follow the route back into the TUN and loop. Such a policy still applies to traffic the administrator
/// routes into the TUN in some narrower way. Not thread-safe: the timer loop owns it.
/// </remarks>
internal sealed class PolicyRoutes
{
    private readonly IRouteTable _table;
    private readonly ILogger _logger;
    private readonly HashSet<IpPrefix> _installed = [];
    private readonly HashSet<IpPrefix> _refused = [];

    public PolicyRoutes(IRouteTable table, ILogger logger)
    {
        _table = table;
        _logger = logger;
    }

    /// <summary>The routes installed now.</summary>
    public IReadOnlyCollection<IpPrefix> Installed => _installed;

    /// <summary>The remote subnets <paramref name="policies"/> ask to be routed into the TUN.</summary>
    public static HashSet<IpPrefix> Desired(IEnumerable<SecurityPolicy> policies, ICollection<IpPrefix>? looping = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        HashSet<IpPrefix> desired = [];
        foreach (SecurityPolicy policy in policies)
        {
            if (policy.Direction != PolicyDirection.Out || policy.Action != PolicyAction.Ipsec || policy.IsDead
                || !policy.Templates.Any(static template => template.Mode == XfrmMode.Tunnel))
            {
                continue;
            }

            IpPrefix remote = new(policy.Selector.Destination.Address.Mask(policy.Selector.Destination.Length), policy.Selector.Destination.Length);
            if (policy.Templates.Any(template => template.TunnelDestination.Version != IpVersion.None && remote.Contains(template.TunnelDestination)))
            {
                looping?.Add(remote);
                continue;
            }

            desired.Add(remote);
        }

        return desired;
    }

    /// <summary>Adds the routes <paramref name="policies"/> need and removes those no policy needs any more.</summary>
    public void Synchronize(IEnumerable<SecurityPolicy> policies)
    {
        List<IpPrefix> looping = [];
        HashSet<IpPrefix> desired = Desired(policies, looping);
        foreach (IpPrefix prefix in looping)
        {
            if (_refused.Add(prefix))
            {
                DaemonLog.RouteWouldLoop(_logger, prefix.ToString());
            }
        }

        foreach (IpPrefix stale in _installed.Where(prefix => !desired.Contains(prefix)).ToList())
        {
            Remove(stale);
        }

        foreach (IpPrefix wanted in desired)
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
    }

    /// <summary>Removes every route this instance installed.</summary>
    public void RemoveAll()
    {
        foreach (IpPrefix prefix in _installed.ToList())
        {
            Remove(prefix);
        }
    }

    private void Remove(IpPrefix prefix)
    {
        int errno = _table.Delete(prefix);
        _installed.Remove(prefix);
        _refused.Remove(prefix);
        if (errno == 0)
        {
            DaemonLog.RouteRemoved(_logger, prefix.ToString());
        }
        else
        {
            DaemonLog.RouteFailed(_logger, prefix.ToString(), errno);
        }
    }
}

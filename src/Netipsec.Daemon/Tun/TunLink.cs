using System.Runtime.InteropServices;
using Netipsec.Daemon.Interop;
using Netipsec.Daemon.Netlink;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tun;

/// <summary>
/// The TUN interface as the routing system sees it: its index, MTU, address, the routes into it and the rule that
/// sends unmarked packets to the table of transport routes.
/// </summary>
internal sealed class TunLink : IDisposable
{
    private const int TransmitQueueLength = 1000;

    // Copies of the rule a killed daemon left behind are deleted one per request; more than this is not ours to clean.
    private const int MaxStaleRules = 64;

    private readonly RouteNetlink _netlink;

    private TunLink(RouteNetlink netlink, int index)
    {
        _netlink = netlink;
        Index = index;
    }

    /// <summary>The interface index (if_nametoindex).</summary>
    public int Index { get; }

    /// <summary>Sets the MTU of <paramref name="name"/>, brings it up and gives it <paramref name="addresses"/>.</summary>
    /// <exception cref="IOException">The interface does not exist or the kernel refused a change.</exception>
    public static TunLink Configure(string name, int mtu, IReadOnlyList<IpPrefix> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        int index = (int)Libc.InterfaceNameToIndex(name);
        if (index == 0)
        {
            throw new IOException($"no interface {name}: errno {Marshal.GetLastPInvokeError()}");
        }

        var netlink = new RouteNetlink();
        try
        {
            int errno = netlink.SetLinkUp(index, mtu, TransmitQueueLength);
            if (errno != 0)
            {
                throw new IOException($"cannot set {name} up with MTU {mtu}: errno {errno}");
            }

            foreach (IpPrefix address in addresses)
            {
                errno = netlink.AddAddress(index, address);
                if (errno != 0)
                {
                    throw new IOException($"cannot add address {address} to {name}: errno {errno}");
                }
            }

            return new TunLink(netlink, index);
        }
        catch
        {
            netlink.Dispose();
            throw;
        }
    }

    /// <summary>The routes into this interface in routing table <paramref name="table"/>.</summary>
    public IRouteTable RoutesIn(int table) => new TableRoutes(_netlink, Index, table);

    /// <summary>
    /// Installs <paramref name="rule"/> for <paramref name="version"/>, first deleting the copies a daemon that never
    /// reached its cleanup left, so restarts do not stack rules.
    /// </summary>
    /// <exception cref="IOException">The kernel refused the rule.</exception>
    public void AddRule(IpVersion version, UnmarkedRule rule)
    {
        int stale = 0;
        while (stale < MaxStaleRules && _netlink.DeleteRule(version, rule) == 0)
        {
            stale++;
        }

        int errno = _netlink.AddRule(version, rule);
        if (errno != 0)
        {
            throw new IOException($"cannot add the rule 'not fwmark {rule.Mark:x} lookup {rule.Table}' for {(version == IpVersion.V4 ? "IPv4" : "IPv6")}: errno {errno}");
        }
    }

    /// <summary>Removes the rule <see cref="AddRule"/> installed; 0 or an errno.</summary>
    public int DeleteRule(IpVersion version, UnmarkedRule rule) => _netlink.DeleteRule(version, rule);

    public void Dispose() => _netlink.Dispose();

    private sealed class TableRoutes(RouteNetlink netlink, int index, int table) : IRouteTable
    {
        public int Add(TunRoute route) => netlink.AddRoute(index, route.Destination, route.PreferredSource, table);

        public int Delete(TunRoute route) => netlink.DeleteRouteTo(index, route.Destination, route.PreferredSource, table);
    }
}

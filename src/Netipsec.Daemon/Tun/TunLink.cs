using System.Runtime.InteropServices;
using Netipsec.Daemon.Interop;
using Netipsec.Daemon.Netlink;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tun;

/// <summary>The TUN interface as the routing system sees it: its index, MTU, address and the routes into it.</summary>
internal sealed class TunLink : IRouteTable, IDisposable
{
    private const int TransmitQueueLength = 1000;

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

    public int Add(IpPrefix destination) => _netlink.AddRoute(Index, destination);

    public int Delete(IpPrefix destination) => _netlink.DeleteRouteTo(Index, destination);

    public void Dispose() => _netlink.Dispose();
}

using Netipsec.Packets;

namespace Netipsec.Daemon.Tun;

/// <summary>The kernel routes that send traffic into the TUN interface.</summary>
internal interface IRouteTable
{
    /// <summary>Routes <paramref name="destination"/> into the interface; 0 or an errno.</summary>
    int Add(IpPrefix destination);

    /// <summary>Removes that route; 0 or an errno.</summary>
    int Delete(IpPrefix destination);
}

namespace Netipsec.Daemon.Tun;

/// <summary>The kernel routes that send traffic into the TUN interface.</summary>
internal interface IRouteTable
{
    /// <summary>Installs <paramref name="route"/> (replacing one to the same destination); 0 or an errno.</summary>
    int Add(TunRoute route);

    /// <summary>Removes that route; 0 or an errno.</summary>
    int Delete(TunRoute route);
}

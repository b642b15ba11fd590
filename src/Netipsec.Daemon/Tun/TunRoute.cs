using Netipsec.Packets;

namespace Netipsec.Daemon.Tun;

/// <summary>A route into the TUN interface.</summary>
/// <param name="Destination">Where the routed traffic goes.</param>
/// <param name="PreferredSource">
/// The source address the host's own traffic picks on this route (RTA_PREFSRC), or an unset address for the kernel's
/// choice. Without it the kernel would pick the TUN's own address, which a transport policy's selector does not name.
/// </param>
internal readonly record struct TunRoute(IpPrefix Destination, IpAddress PreferredSource = default)
{
    /// <summary>"prefix" or "prefix src address", as ip-route(8) writes it.</summary>
    public override string ToString() =>
        PreferredSource.Version == IpVersion.None ? Destination.ToString() : $"{Destination} src {PreferredSource}";
}

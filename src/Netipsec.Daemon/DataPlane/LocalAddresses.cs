using System.Collections.Frozen;
using System.Net.NetworkInformation;
using Netipsec.Packets;

namespace Netipsec.Daemon.DataPlane;

/// <summary>
/// The host's own addresses, which decide whether decapsulated traffic is checked against "in" policies (for this
/// host) or "fwd" policies (for the networks behind it), as Linux decides by its routing result.
/// </summary>
/// <remarks>Lookups are lock-free (a frozen set swapped atomically); <see cref="Refresh"/> runs on the timer.</remarks>
internal sealed class LocalAddresses
{
    private FrozenSet<IpAddress> _addresses;

    public LocalAddresses(IEnumerable<IpAddress>? initial = null) =>
        _addresses = (initial ?? ReadHostAddresses()).ToFrozenSet();

    public bool Contains(IpAddress address) => Volatile.Read(ref _addresses).Contains(address);

    /// <summary>Reads the host's addresses again (interfaces and addresses come and go).</summary>
    public void Refresh() => Volatile.Write(ref _addresses, ReadHostAddresses().ToFrozenSet());

    private static IEnumerable<IpAddress> ReadHostAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(static nic => nic.GetIPProperties().UnicastAddresses)
            .Select(static unicast => IpAddress.FromIPAddress(unicast.Address));
}

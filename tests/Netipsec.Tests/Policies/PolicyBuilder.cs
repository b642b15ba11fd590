using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.Policies;

/// <summary>Short ways to write selectors, policies and flows in SPD tests.</summary>
internal static class PolicyBuilder
{
    public static Selector Sel(string source, string destination) => new(IpPrefix.Parse(source), IpPrefix.Parse(destination));

    public static SecurityPolicy Bypass(Selector selector, uint priority = 0, PolicyDirection direction = PolicyDirection.Out) =>
        new(direction, selector, PolicyAction.Bypass) { Priority = priority };

    public static SecurityPolicy Block(Selector selector, uint priority = 0, PolicyDirection direction = PolicyDirection.Out) =>
        new(direction, selector, PolicyAction.Block) { Priority = priority };

    public static SecurityPolicy Ipsec(Selector selector, PolicyTemplate template, PolicyDirection direction = PolicyDirection.Out) =>
        new(direction, selector, PolicyAction.Ipsec, [template]);

    public static PolicyTemplate Tunnel(string source, string destination) => new(IpsecProtocol.Esp, XfrmMode.Tunnel)
    {
        TunnelSource = IpAddress.Parse(source),
        TunnelDestination = IpAddress.Parse(destination),
    };

    public static Flow FlowOf(string source, string destination, IpProtocol protocol = IpProtocol.Tcp, ushort sourcePort = 1000, ushort destinationPort = 80, int interfaceIndex = 0) =>
        new(IpAddress.Parse(source), IpAddress.Parse(destination), protocol, sourcePort, destinationPort, interfaceIndex);
}

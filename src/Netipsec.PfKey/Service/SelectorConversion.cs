using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;

namespace Netipsec.PfKey.Service;

/// <summary>
/// A pair of <c>sadb_address</c> extensions ↔ <see cref="Selector"/>: prefixes, the upper-layer protocol
/// (IPSEC_ULPROTO_ANY, and 0 as Linux reads it, mean any) and ports (0 = any, otherwise exact).
/// </summary>
internal static class SelectorConversion
{
    /// <summary>The pair must be of one family (RequestRules checks it first).</summary>
    public static Selector ToSelector(AddressExtension source, AddressExtension destination)
    {
        var selector = new Selector(
            new IpPrefix(source.Sockaddr.Address, source.PrefixLength),
            new IpPrefix(destination.Sockaddr.Address, destination.PrefixLength))
        {
            Protocol = source.Protocol is 0 or IpsecConstants.UlProtoAny ? null : (IpProtocol)source.Protocol,
        };
        return selector.WithPorts(source.Sockaddr.Port, destination.Sockaddr.Port);
    }

    public static AddressExtension SourceOf(Selector selector) =>
        new(ProtocolOf(selector), selector.Source.Length, new Sockaddr(selector.Source.Address, ExactPort(selector.SourcePort, selector.SourcePortMask)));

    public static AddressExtension DestinationOf(Selector selector) =>
        new(ProtocolOf(selector), selector.Destination.Length, new Sockaddr(selector.Destination.Address, ExactPort(selector.DestinationPort, selector.DestinationPortMask)));

    private static byte ProtocolOf(Selector selector) => selector.Protocol is { } protocol ? (byte)protocol : IpsecConstants.UlProtoAny;

    // PF_KEY has no port masks: a selector from PF_KEY only ever has 0 or all-ones, and a partial mask reads as any.
    private static ushort ExactPort(ushort port, ushort mask) => mask == ushort.MaxValue ? port : (ushort)0;
}

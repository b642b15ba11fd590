using Netipsec.Packets;

namespace Netipsec.States;

/// <summary>The key of the address-pair index (Linux's state_bysrc): every SA between two addresses for one protocol.</summary>
internal readonly record struct AddressKey(IpAddress Source, IpAddress Destination, IpsecProtocol Protocol)
{
    public static AddressKey Of(SecurityAssociation sa) => new(sa.Source, sa.Destination, sa.Protocol);
}

using Netipsec.Packets;

namespace Netipsec.States;

/// <summary>The IPsec protocols an SA or a template can use; values are their IP protocol numbers.</summary>
#pragma warning disable CA1028 // Mirrors the one-byte protocol field.
public enum IpsecProtocol : byte
#pragma warning restore CA1028
{
    Esp = IpProtocol.Esp,
    Ah = IpProtocol.Ah,
    IpComp = IpProtocol.IpComp,
}

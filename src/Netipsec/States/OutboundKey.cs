using Netipsec.Packets;

namespace Netipsec.States;

/// <summary>The key of the output-resolution index: what a policy template asks of an SA (Linux hashes state_bydst the same way).</summary>
internal readonly record struct OutboundKey(IpAddress Destination, IpAddress Source, IpsecProtocol Protocol, XfrmMode Mode, uint ReqId)
{
    public static OutboundKey Of(SecurityAssociation sa) => new(sa.Destination, sa.Source, sa.Protocol, sa.Mode, sa.ReqId);
}

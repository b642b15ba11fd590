using System.Globalization;
using Netipsec.Packets;

namespace Netipsec.States;

/// <summary>
/// The UDP encapsulation of a NAT-traversing SA (RFC 3948; PF_KEY's NAT-T local/remote address extensions and
/// Linux's xfrm_encap_tmpl): the ports to use and, for transport mode, the original address a NAT rewrote.
/// </summary>
/// <param name="Type">The encapsulation; only ESP in UDP exists.</param>
/// <param name="SourcePort">
/// The UDP source port of the SA's packets (normally 4500): ours on an outbound SA, the peer's, possibly NAT-mapped, on
/// an inbound one (Linux's encap_sport). Inbound packets from another port raise a NAT mapping change.
/// </param>
/// <param name="DestinationPort">
/// The UDP destination port of the SA's packets: the peer's, possibly NAT-mapped, on an outbound SA, ours on an inbound
/// one, where ESP in UDP is then accepted (Linux's encap_dport).
/// </param>
/// <param name="OriginalAddress">
/// The NAT-OA (RFC 3947 §5.2): the peer's address before NAT, used to fix transport-mode TCP/UDP checksums on input
/// (RFC 3948 §3.1.2); unset (<see cref="IpVersion.None"/>) when not known.
/// </param>
public sealed record NatTraversalEncapsulation(
    NatTraversalType Type,
    ushort SourcePort,
    ushort DestinationPort,
    IpAddress OriginalAddress = default)
{
    /// <summary>The IKE and ESP-in-UDP port (RFC 3948 §2.1).</summary>
    public const ushort DefaultPort = 4500;

    /// <summary>True when both ports are set; a zero port cannot carry traffic.</summary>
    public bool IsValid => Type == NatTraversalType.EspInUdp && SourcePort != 0 && DestinationPort != 0;

    public override string ToString() => OriginalAddress.Version == IpVersion.None
        ? string.Create(CultureInfo.InvariantCulture, $"espinudp {SourcePort} {DestinationPort}")
        : string.Create(CultureInfo.InvariantCulture, $"espinudp {SourcePort} {DestinationPort} oa {OriginalAddress}");
}

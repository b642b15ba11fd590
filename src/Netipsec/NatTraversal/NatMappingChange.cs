using Netipsec.States;

namespace Netipsec.NatTraversal;

/// <summary>
/// An authenticated ESP-in-UDP packet of <see cref="State"/> came from another address or port than the SA records
/// for its peer (Linux's km_new_mapping; PF_KEY's SADB_X_NAT_T_NEW_MAPPING): a NAT between the peers changed its
/// mapping, or the peer moved. The engine changes nothing in the SA; the key manager decides whether to follow.
/// </summary>
/// <param name="State">The inbound SA whose packet showed the change.</param>
/// <param name="Previous">The peer the SA records: its source address and the encapsulation's source port.</param>
/// <param name="Current">Where the packet actually came from.</param>
public sealed record NatMappingChange(SecurityAssociation State, UdpEndpoint Previous, UdpEndpoint Current);

using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.Engine;

/// <summary>
/// What an ACQUIRE tells key managers (RFC 2367 §3.1.6): an outbound packet needs an SA for <see cref="Template"/>
/// between <see cref="Source"/> and <see cref="Destination"/>. Answers (GETSPI, UPDATE, ADD) carry
/// <see cref="Sequence"/> back.
/// </summary>
/// <param name="Sequence">The sequence number the key manager's answers must carry.</param>
/// <param name="Source">The SA's source: the tunnel's outer source, or the packet's source in transport mode.</param>
/// <param name="Destination">The SA's destination, likewise.</param>
/// <param name="Selector">The traffic that triggered it, with the flow's ports and protocol.</param>
/// <param name="Template">The policy template that found no SA.</param>
/// <param name="Policy">The policy the template belongs to (its other templates make the proposal).</param>
public sealed record AcquireRequest(
    uint Sequence,
    IpAddress Source,
    IpAddress Destination,
    Selector Selector,
    PolicyTemplate Template,
    SecurityPolicy? Policy);

using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.Engine;

/// <summary>The key of a <see cref="FlowCache"/> entry: a direction and a flow, compared field by field without boxing.</summary>
internal readonly record struct FlowKey(PolicyDirection Direction, Flow Flow);

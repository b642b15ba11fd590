using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.NatTraversal;

/// <summary>A key manager that only records NAT mapping changes.</summary>
internal sealed class MappingRecorder : IKeyManagerListener
{
    public List<NatMappingChange> Changes { get; } = [];

    public void OnAcquire(AcquireRequest request)
    {
    }

    public void OnStateExpired(SecurityAssociation state, ExpiryKind kind)
    {
    }

    public void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind)
    {
    }

    public void OnNatMappingChanged(NatMappingChange change) => Changes.Add(change);
}

using Netipsec.Engine;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.Policies;

/// <summary>Keeps every policy expiry it is told of, in order.</summary>
internal sealed class RecordingKeyManagerListener : IKeyManagerListener
{
    public List<(SecurityPolicy Policy, ExpiryKind Kind)> PolicyExpiries { get; } = [];

    public void OnAcquire(AcquireRequest request)
    {
    }

    public void OnStateExpired(SecurityAssociation state, ExpiryKind kind)
    {
    }

    public void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind) => PolicyExpiries.Add((policy, kind));
}

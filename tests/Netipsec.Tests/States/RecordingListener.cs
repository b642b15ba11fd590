using Netipsec.Engine;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.States;

/// <summary>Records every key-manager event the SAD raises, and what the SA looked like when it was raised.</summary>
internal sealed class RecordingListener : IKeyManagerListener
{
    public List<AcquireRequest> Acquires { get; } = [];

    public List<(SecurityAssociation State, ExpiryKind Kind, SaState StateAtEvent)> Expirations { get; } = [];

    public void OnAcquire(AcquireRequest request) => Acquires.Add(request);

    public void OnStateExpired(SecurityAssociation state, ExpiryKind kind) => Expirations.Add((state, kind, state.State));

    public void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind) =>
        throw new InvalidOperationException("The SAD must never raise policy events.");
}

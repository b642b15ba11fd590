using Netipsec.Engine;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.Simulation;

/// <summary>A key manager that only listens: every ACQUIRE and EXPIRE one simulated host's engine raises.</summary>
internal sealed class KeyManagerRecorder : IKeyManagerListener
{
    public List<AcquireRequest> Acquires { get; } = [];

    public List<(SecurityAssociation State, ExpiryKind Kind)> StateExpirations { get; } = [];

    public List<(SecurityPolicy Policy, ExpiryKind Kind)> PolicyExpirations { get; } = [];

    /// <summary>The SA expirations as (SPI, kind), oldest first.</summary>
    public IEnumerable<(uint Spi, ExpiryKind Kind)> Expired => StateExpirations.Select(e => (e.State.Spi, e.Kind));

    /// <summary>Creates a recorder and registers it with <paramref name="engine"/>'s events.</summary>
    public static KeyManagerRecorder On(XfrmEngine engine)
    {
        var recorder = new KeyManagerRecorder();
        engine.Events.Register(recorder);
        return recorder;
    }

    public void OnAcquire(AcquireRequest request) => Acquires.Add(request);

    public void OnStateExpired(SecurityAssociation state, ExpiryKind kind) => StateExpirations.Add((state, kind));

    public void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind) => PolicyExpirations.Add((policy, kind));
}

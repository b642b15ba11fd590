using System.Collections.Immutable;
using Netipsec.NatTraversal;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Engine;

/// <summary>
/// Fans key-manager events out to every registered listener. Registration is copy-on-write so raising an event
/// never takes a lock; a listener that throws does not stop the others.
/// </summary>
public sealed class KeyManagerEvents : IKeyManagerListener
{
    private ImmutableArray<IKeyManagerListener> _listeners = [];
    private long _listenerFailures;

    public void Register(IKeyManagerListener listener) =>
        ImmutableInterlocked.Update(ref _listeners, static (list, added) => list.Add(added), listener);

    public void Unregister(IKeyManagerListener listener) =>
        ImmutableInterlocked.Update(ref _listeners, static (list, removed) => list.Remove(removed), listener);

    /// <summary>How many key managers are registered; with none, an ACQUIRE reaches nobody.</summary>
    public int ListenerCount => _listeners.Length;

    /// <summary>How many events a listener failed to take; those failures are counted, never propagated.</summary>
    public long ListenerFailures => Interlocked.Read(ref _listenerFailures);

    public void OnAcquire(AcquireRequest request) => Raise(static (l, r) => l.OnAcquire(r), request);

    public void OnStateExpired(SecurityAssociation state, ExpiryKind kind) =>
        Raise(static (l, e) => l.OnStateExpired(e.state, e.kind), (state, kind));

    public void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind) =>
        Raise(static (l, e) => l.OnPolicyExpired(e.policy, e.kind), (policy, kind));

    public void OnNatMappingChanged(NatMappingChange change) => Raise(static (l, c) => l.OnNatMappingChanged(c), change);

    private void Raise<TArg>(Action<IKeyManagerListener, TArg> deliver, TArg argument)
    {
        // ImmutableArray is a struct around one array reference, so this read is atomic; no lock is needed.
        foreach (IKeyManagerListener listener in _listeners)
        {
            try
            {
                deliver(listener, argument);
            }
#pragma warning disable CA1031 // One faulty key manager must not keep events from the others or break the caller's lock.
            catch (Exception)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _listenerFailures);
            }
        }
    }
}

using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Engine;

/// <summary>
/// Receives the events the databases and the packet engine raise for key managers (Linux's km_* calls); PF_KEY
/// turns them into SADB_ACQUIRE, SADB_EXPIRE and SADB_X_SPDEXPIRE messages.
/// </summary>
/// <remarks>Called synchronously, under the raising database's write lock: implementations must not call back into it.</remarks>
public interface IKeyManagerListener
{
    void OnAcquire(AcquireRequest request);

    void OnStateExpired(SecurityAssociation state, ExpiryKind kind);

    void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind);
}

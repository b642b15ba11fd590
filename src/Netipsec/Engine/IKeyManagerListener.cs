using Netipsec.NatTraversal;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Engine;

/// <summary>
/// Receives the events the databases and the packet engine raise for key managers (Linux's km_* calls); PF_KEY
/// turns them into SADB_ACQUIRE, SADB_EXPIRE, SADB_X_SPDEXPIRE and SADB_X_NAT_T_NEW_MAPPING messages.
/// </summary>
/// <remarks>Called synchronously, under the raising database's write lock: implementations must not call back into it.</remarks>
public interface IKeyManagerListener
{
    void OnAcquire(AcquireRequest request);

    void OnStateExpired(SecurityAssociation state, ExpiryKind kind);

    void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind);

    /// <summary>
    /// An authenticated ESP-in-UDP packet came from another address or port than its SA records (Linux's
    /// km_new_mapping), reported once per change. Raised from the Rx path, under no database lock. The default does
    /// nothing, for listeners that do not follow NATs.
    /// </summary>
    void OnNatMappingChanged(NatMappingChange change)
    {
    }
}

using System.Collections.Concurrent;
using Netipsec.NatTraversal;

namespace Netipsec.States;

/// <summary>
/// The SAD's view of its UDP-encapsulated SAs: the SAs themselves (for keepalives) and how many use each local
/// (destination address, destination port) pair, the ports on which ESP in UDP is accepted for them.
/// </summary>
/// <remarks>Changed only under the SAD's write lock; read lock-free from the data path.</remarks>
internal sealed class EncapsulatedStateIndex
{
    private readonly ConcurrentDictionary<SecurityAssociation, byte> _states = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<UdpEndpoint, int> _localEndpoints = new();

    /// <summary>The encapsulated SAs right now (a copy).</summary>
    public ICollection<SecurityAssociation> States => _states.Keys;

    /// <summary>Every local port some SA receives ESP in UDP on (a copy).</summary>
    public IEnumerable<ushort> Ports => _localEndpoints.Keys.Select(static endpoint => endpoint.Port);

    /// <summary>True when an installed SA receives ESP in UDP at <paramref name="local"/>.</summary>
    public bool Contains(UdpEndpoint local) => _localEndpoints.ContainsKey(local);

    /// <summary>Records <paramref name="sa"/> with <paramref name="encapsulation"/> (nothing when null).</summary>
    public void Add(SecurityAssociation sa, NatTraversalEncapsulation? encapsulation)
    {
        if (encapsulation is null)
        {
            return;
        }

        _states[sa] = 0;
        _localEndpoints.AddOrUpdate(LocalEndpoint(sa, encapsulation), 1, static (_, count) => count + 1);
    }

    /// <summary>Forgets <paramref name="sa"/> as recorded with <paramref name="encapsulation"/> (nothing when null).</summary>
    public void Remove(SecurityAssociation sa, NatTraversalEncapsulation? encapsulation)
    {
        if (encapsulation is null || !_states.TryRemove(sa, out _))
        {
            return;
        }

        UdpEndpoint local = LocalEndpoint(sa, encapsulation);
        if (_localEndpoints.TryGetValue(local, out int count))
        {
            if (count <= 1)
            {
                _localEndpoints.TryRemove(local, out _);
            }
            else
            {
                _localEndpoints[local] = count - 1;
            }
        }
    }

    /// <summary>Where the SA's packets arrive: its destination and the encapsulation's destination port.</summary>
    private static UdpEndpoint LocalEndpoint(SecurityAssociation sa, NatTraversalEncapsulation encapsulation) =>
        new(sa.Destination, encapsulation.DestinationPort);
}

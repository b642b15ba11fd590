using Netipsec.NatTraversal;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Transforms;

namespace Netipsec.Engine;

/// <summary>
/// The composition root of one IPsec instance: its SAD, SPD, transforms, MIB counters, key-manager events and
/// clock, shared by <see cref="XfrmOutput"/> and <see cref="XfrmInput"/>. Nothing here is global; a process may
/// hold several engines (the test harness runs one per simulated host).
/// </summary>
public sealed class XfrmEngine
{
    /// <param name="time">The clock of lifetimes, timeouts and keepalives.</param>
    /// <param name="types">The transforms.</param>
    /// <param name="sadOptions">SAD timeouts; defaults when null.</param>
    /// <param name="natTraversal">NAT-T ports and keepalive interval; defaults when null.</param>
    public XfrmEngine(TimeProvider time, XfrmTypeRegistry types, SadOptions? sadOptions = null, NatTraversalOptions? natTraversal = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(types);
        Time = time;
        Types = types;
        Events = new KeyManagerEvents();
        States = new SecurityAssociationDatabase(time, Events, options: (sadOptions ?? new SadOptions()) with { Types = types });
        Policies = new SecurityPolicyDatabase(time, Events);
        NatTraversal = new NatTraversalEngine(time, States, Events, natTraversal ?? new NatTraversalOptions());
    }

    public TimeProvider Time { get; }

    public XfrmTypeRegistry Types { get; }

    /// <summary>Where ACQUIRE, EXPIRE and NAT mapping changes go: register key managers (PF_KEY, tests) here.</summary>
    public KeyManagerEvents Events { get; }

    public SecurityAssociationDatabase States { get; }

    public SecurityPolicyDatabase Policies { get; }

    /// <summary>UDP encapsulation (RFC 3948): NAT-T ports, the IKE handler, keepalives and their counters.</summary>
    public NatTraversalEngine NatTraversal { get; }

    /// <summary>The 28 XFRM MIB counters.</summary>
    public XfrmStatistics Statistics { get; } = new();

    /// <summary>Applies every lifetime that ran out (SAs, policies, acquire states); the host calls it about once a second.</summary>
    public void RunExpiry()
    {
        States.RunExpiry();
        Policies.RunExpiry();
    }
}

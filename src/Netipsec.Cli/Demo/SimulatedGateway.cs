using System.Globalization;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Cli.Demo;

/// <summary>
/// One security gateway of the in-process demo: its own SAD and SPD, and the policy and SA resolution steps of the
/// Tx and Rx paths on real lookups. The ESP transform itself arrives with the packet engine.
/// </summary>
internal sealed class SimulatedGateway : IKeyManagerListener
{
    public SimulatedGateway(string name, IpAddress outerAddress, TimeProvider time)
    {
        Name = name;
        OuterAddress = outerAddress;
        States = new SecurityAssociationDatabase(time, this);
        Policies = new SecurityPolicyDatabase(time, this);
    }

    public string Name { get; }

    public IpAddress OuterAddress { get; }

    public SecurityAssociationDatabase States { get; }

    public SecurityPolicyDatabase Policies { get; }

    /// <summary>What key managers were told, in order.</summary>
    public List<string> Events { get; } = [];

    /// <summary>Outbound: policy lookup, then the SA for each template; an SA that is missing raises ACQUIRE.</summary>
    public SendResult Send(ReadOnlySpan<byte> packet)
    {
        if (!FlowExtractor.TryExtract(packet, 0, out Flow flow, out PacketError error))
        {
            return SendResult.Dropped($"malformed ({error})");
        }

        SecurityPolicy? policy = Policies.Lookup(PolicyDirection.Out, flow);
        if (policy is null || policy.Action == PolicyAction.Bypass)
        {
            return SendResult.Dropped("no IPsec policy: sent in the clear");
        }

        if (policy.Action == PolicyAction.Block)
        {
            return SendResult.Dropped("blocked by policy");
        }

        PolicyTemplate template = policy.Templates[0];
        SecurityAssociation? sa = States.FindOutbound(template.TunnelDestination, template.TunnelSource, template.Protocol, template.Mode, template.ReqId);
        if (sa is null)
        {
            Selector triggered = new Selector(IpPrefix.Host(flow.Source), IpPrefix.Host(flow.Destination)) { Protocol = flow.Protocol };
            bool raised = States.Acquire(template.TunnelSource, template.TunnelDestination, triggered, template, policy, out uint sequence);
            return SendResult.Dropped(raised
                ? Invariant($"no SA yet: ACQUIRE #{sequence} raised, packet dropped (larval drop)")
                : Invariant($"no SA yet: ACQUIRE #{sequence} still pending, not raised again"));
        }

        if (!States.TryAssignSequence(sa, out ulong espSequence))
        {
            return SendResult.Dropped("sequence numbers exhausted: rekey requested");
        }

        Policies.Account(policy, packet.Length);
        States.Account(sa, packet.Length);
        return new SendResult(sa, espSequence, Invariant($"policy #{policy.Index} -> SA spi 0x{sa.Spi:x8}, seq {espSequence}"));
    }

    /// <summary>Inbound: SA by (destination, SPI, protocol), anti-replay check and advance, then the fwd policy check.</summary>
    public string Receive(ReadOnlySpan<byte> innerPacket, SecurityAssociation sentWith, ulong sequence)
    {
        if (!States.TryLookupBySpi(sentWith.Destination, sentWith.Spi, sentWith.Protocol, out SecurityAssociation? sa))
        {
            return "dropped: no SA for this SPI";
        }

        lock (sa.SyncRoot)
        {
            ReplayWindow window = sa.ReplayWindow!;
            ReplayVerdict verdict = window.Check((uint)sequence, out uint high);
            // The ICV would be verified here, between the check and the advance, so forged packets never move the window.
            if (verdict == ReplayVerdict.Accepted)
            {
                verdict = window.Advance((uint)sequence, high);
            }

            if (verdict != ReplayVerdict.Accepted)
            {
                return $"dropped: sequence {sequence} {verdict.ToString().ToLowerInvariant()}";
            }
        }

        States.Account(sa, innerPacket.Length);
        if (!FlowExtractor.TryExtract(innerPacket, 0, out Flow flow, out PacketError error))
        {
            return $"dropped: malformed inner packet ({error})";
        }

        SecurityPolicy? policy = Policies.Lookup(PolicyDirection.Fwd, flow);
        bool satisfied = policy is { Action: PolicyAction.Ipsec }
            && policy.Templates[0].Protocol == sa.Protocol
            && policy.Templates[0].TunnelSource == sa.Source
            && policy.Templates[0].TunnelDestination == sa.Destination;
        if (!satisfied)
        {
            return "dropped: inbound policy not satisfied";
        }

        Policies.Account(policy!, innerPacket.Length);
        return Invariant($"SA spi 0x{sa.Spi:x8} seq {sequence} accepted, fwd policy #{policy!.Index} satisfied");
    }

    public void OnAcquire(AcquireRequest request) =>
        Events.Add(Invariant($"ACQUIRE #{request.Sequence}: {request.Template.Protocol} {request.Template.Mode} {request.Source} -> {request.Destination} for {request.Selector}"));

    public void OnStateExpired(SecurityAssociation state, ExpiryKind kind) =>
        Events.Add(Invariant($"EXPIRE {kind}: SA spi 0x{state.Spi:x8}"));

    public void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind) =>
        Events.Add(Invariant($"EXPIRE {kind}: policy #{policy.Index}"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

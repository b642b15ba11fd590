using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.Tests.Policies;

/// <summary>
/// Random policy sets and random flows: the tuple-space SPD must answer every lookup exactly as the linear model
/// does (the wireguard-go SlowRouter pattern), after any sequence of adds, updates and deletes.
/// </summary>
public sealed class SecurityPolicyDatabasePropertyTests
{
    private enum OperationKind
    {
        Add,
        Update,
        Delete,
    }

    private sealed record Operation(OperationKind Kind, PolicyDirection Direction, Selector Selector, uint Priority, int Target);

    // Addresses come from a tiny universe (a few values per byte) so random flows hit random prefixes often.
    private static readonly Gen<IpAddress> Ipv4Address =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 3], (a, b, c) => IpAddress.FromIpv4((uint)((10 << 24) | (a << 22) | (b << 8) | (c << 6))));

    private static readonly Gen<IpAddress> Ipv6Address =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], (a, b) => IpAddress.Parse($"2001:db8:{a << 14:x}::{b}"));

    private static readonly Gen<IpPrefix> Ipv4Prefix =
        Gen.Select(Ipv4Address, Gen.OneOf(0, 1, 8, 10, 16, 23, 24, 26, 31, 32), (address, length) => new IpPrefix(address, length));

    private static readonly Gen<IpPrefix> Ipv6Prefix =
        Gen.Select(Ipv6Address, Gen.OneOf(0, 17, 32, 34, 64, 126, 127, 128), (address, length) => new IpPrefix(address, length));

    private static readonly Gen<(ushort Port, ushort Mask)> PortMatch = Gen.OneOf<(ushort, ushort)>(
        (0, 0), (0, 0), (80, 0xFFFF), (443, 0xFFFF), (0x8000, 0x8000), (0x0050, 0x00F0));

    private static readonly Gen<IpProtocol?> ProtocolMatch = Gen.OneOf<IpProtocol?>(null, null, IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Icmp);

    private static readonly Gen<Selector> RandomSelector =
        Gen.Select(
            Gen.Int[0, 4],
            Ipv4Prefix,
            Ipv4Prefix,
            Ipv6Prefix,
            Ipv6Prefix,
            Gen.Select(PortMatch, PortMatch, ProtocolMatch, Gen.OneOf(0, 0, 0, 1, 2)),
            (family, source4, destination4, source6, destination6, rest) =>
                (family == 0 ? new Selector(source6, destination6) : new Selector(source4, destination4)) with
                {
                    SourcePort = rest.Item1.Port,
                    SourcePortMask = rest.Item1.Mask,
                    DestinationPort = rest.Item2.Port,
                    DestinationPortMask = rest.Item2.Mask,
                    Protocol = rest.Item3,
                    InterfaceIndex = rest.Item4,
                });

    private static readonly Gen<Operation> RandomOperation =
        Gen.Select(
            Gen.Frequency((7, Gen.Const(OperationKind.Add)), (2, Gen.Const(OperationKind.Update)), (2, Gen.Const(OperationKind.Delete))),
            Gen.OneOf(PolicyDirection.Out, PolicyDirection.Out, PolicyDirection.In),
            RandomSelector,
            Gen.UInt[0, 4],
            Gen.Int[0, 1000],
            (kind, direction, selector, priority, target) => new Operation(kind, direction, selector, priority, target));

    private static readonly Gen<Flow> RandomFlow =
        Gen.Select(
            Gen.Int[0, 4],
            Ipv4Address,
            Ipv4Address,
            Ipv6Address,
            Ipv6Address,
            Gen.Select(Gen.OneOf<ushort>(0, 80, 443, 0x8050, 0x0055, 53), Gen.OneOf<ushort>(0, 80, 443, 0x8050, 0x0055, 53), Gen.OneOf(IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Icmp, IpProtocol.Gre), Gen.Int[0, 2]),
            (family, source4, destination4, source6, destination6, rest) => family == 0
                ? new Flow(source6, destination6, rest.Item3, rest.Item1, rest.Item2, rest.Item4)
                : new Flow(source4, destination4, rest.Item3, rest.Item1, rest.Item2, rest.Item4));

    [Fact]
    public void Lookup_agrees_with_a_linear_scan_after_random_changes() =>
        Gen.Select(RandomOperation.Array[1, 80], RandomFlow.Array[40]).Sample(
            (operations, flows) =>
            {
                var spd = new SecurityPolicyDatabase(new FakeTimeProvider());
                var model = new LinearPolicyModel();
                var installed = new List<SecurityPolicy>();
                foreach (Operation operation in operations)
                {
                    Apply(operation, spd, model, installed);
                }

                Assert.Equal(model.All.Count(), spd.Count);
                foreach (Flow flow in flows)
                {
                    Assert.Same(model.Lookup(PolicyDirection.Out, flow), spd.Lookup(PolicyDirection.Out, flow));
                    Assert.Same(model.Lookup(PolicyDirection.In, flow), spd.Lookup(PolicyDirection.In, flow));
                }
            },
            iter: 400);

    private static void Apply(Operation operation, SecurityPolicyDatabase spd, LinearPolicyModel model, List<SecurityPolicy> installed)
    {
        switch (operation.Kind)
        {
            case OperationKind.Add:
                var added = new SecurityPolicy(operation.Direction, operation.Selector, PolicyAction.Bypass) { Priority = operation.Priority };
                Assert.Equal(model.Add(added), spd.Add(added));
                installed.Add(added);
                break;
            case OperationKind.Update when installed.Count > 0:
                // Re-prioritise a policy added earlier, so updates really replace something.
                SecurityPolicy old = installed[operation.Target % installed.Count];
                var replacement = new SecurityPolicy(old.Direction, old.Selector, PolicyAction.Block) { Priority = operation.Priority };
                Assert.Equal(SpdStatus.Ok, spd.Update(replacement));
                model.Update(replacement);
                installed.Add(replacement);
                break;
            case OperationKind.Delete when installed.Count > 0:
                SecurityPolicy victim = installed[operation.Target % installed.Count];
                Assert.Equal(model.Delete(victim.Direction, victim.Selector), spd.Delete(victim.Direction, victim.Selector, out _));
                break;
            default:
                Assert.Equal(model.Delete(operation.Direction, operation.Selector), spd.Delete(operation.Direction, operation.Selector, out _));
                break;
        }
    }
}

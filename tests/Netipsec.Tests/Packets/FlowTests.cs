using CsCheck;
using Netipsec.Packets;

namespace Netipsec.Tests.Packets;

/// <summary>The flow cache's by-reference comparison against the record's own equality.</summary>
public sealed class FlowTests
{
    // Small domains, so that two flows drawn apart are often equal in some fields and wholly equal now and then.
    private static readonly Gen<IpAddress> Address = Gen.OneOf(
        Gen.UInt[0, 2].Select(low => IpAddress.FromIpv4(0xC0000200 | low)),
        Gen.Byte[0, 2].Select(low => IpAddress.Read([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, low])));

    private static readonly Gen<Flow> SmallFlow =
        Gen.Select(Address, Address, Gen.Bool.Select(tcp => tcp ? IpProtocol.Tcp : IpProtocol.Udp), Gen.UShort[0, 1], Gen.UShort[0, 1], Gen.Int[0, 1])
            .Select((source, destination, protocol, sourcePort, destinationPort, interfaceIndex) =>
                new Flow(source, destination, protocol, sourcePort, destinationPort, interfaceIndex));

    [Fact]
    public void SameAs_agrees_with_equality_for_every_field()
    {
        Gen.Select(SmallFlow, SmallFlow).Sample((a, b) => a.SameAs(b) == a.Equals(b), iter: 20_000);
    }

    [Fact]
    public void SameAs_holds_for_a_copy_and_fails_for_each_changed_field()
    {
        var flow = new Flow(IpAddress.FromIpv4(0xC0000201), IpAddress.FromIpv4(0xC6336401), IpProtocol.Udp, 5000, 53, 3);
        Flow copy = flow;

        Assert.True(flow.SameAs(copy));
        Assert.False(flow.SameAs(flow with { Source = IpAddress.FromIpv4(0xC0000202) }));
        Assert.False(flow.SameAs(flow with { Destination = IpAddress.FromIpv4(0xC6336402) }));
        Assert.False(flow.SameAs(flow with { Protocol = IpProtocol.Tcp }));
        Assert.False(flow.SameAs(flow with { SourcePort = 5001 }));
        Assert.False(flow.SameAs(flow with { DestinationPort = 54 }));
        Assert.False(flow.SameAs(flow with { InterfaceIndex = 4 }));
        Assert.False(flow.SameAs(flow with { Source = IpAddress.Read([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xc0, 0, 2, 1]) }));
    }
}

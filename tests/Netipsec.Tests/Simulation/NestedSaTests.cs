using System.Buffers.Binary;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.States;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// ESP transport inside an ESP tunnel, from one policy with two templates (innermost first), between two hosts that
/// are their own security gateways: inner addresses 198.51.100.10 and 203.0.113.10, outer 192.0.2.1 and 192.0.2.2.
/// </summary>
public sealed class NestedSaTests
{
    private const uint TransportAToB = 0x4001;
    private const uint TunnelAToB = 0x4002;
    private const uint TransportBToA = 0x4003;
    private const uint TunnelBToA = 0x4004;
    private const uint TunnelReqId = 1;
    private const uint TransportReqId = 2;

    private static readonly IpAddress AInner = IpAddress.Parse("198.51.100.10");
    private static readonly IpAddress BInner = IpAddress.Parse("203.0.113.10");
    private static readonly IpAddress AOuter = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress BOuter = IpAddress.Parse("192.0.2.2");

    private readonly SimulatedNetwork _network = new();
    private readonly SimulatedHost _a;
    private readonly SimulatedHost _b;

    public NestedSaTests()
    {
        var clock = SadTestData.NewClock();
        _a = new SimulatedHost("a", _network, clock).WithAddress(AInner.ToString()).WithAddress(AOuter.ToString());
        _b = new SimulatedHost("b", _network, clock).WithAddress(BInner.ToString()).WithAddress(BOuter.ToString());
        foreach (SimulatedHost host in new[] { _a, _b })
        {
            SecurityAssociationDatabase sad = host.Engine.States;
            Assert.Equal(SadStatus.Ok, sad.Add(HostToHost.TransportSa(AInner, BInner, TransportAToB, TransportReqId)));
            Assert.Equal(SadStatus.Ok, sad.Add(HostToHost.TransportSa(BInner, AInner, TransportBToA, TransportReqId)));
            Assert.Equal(SadStatus.Ok, sad.Add(SiteToSite.TunnelSa(AOuter, BOuter, TunnelAToB, Between(AInner, BInner), reqId: TunnelReqId)));
            Assert.Equal(SadStatus.Ok, sad.Add(SiteToSite.TunnelSa(BOuter, AOuter, TunnelBToA, Between(BInner, AInner), reqId: TunnelReqId)));
        }

        AddPolicies(_a, AInner, BInner, AOuter, BOuter);
        AddPolicies(_b, BInner, AInner, BOuter, AOuter);
    }

    [Fact]
    public void Traffic_crosses_both_layers_both_ways_byte_for_byte()
    {
        var mib = new MibWatch(_a, _b);
        byte[] request = Traffic.Tcp(AInner, BInner, 40000, 443, 500);
        byte[] reply = Traffic.Udp(BInner, AInner, 53, 5000, 300);

        Assert.Equal(XfrmVerdict.Passed, _a.Send(request));
        Assert.Equal(XfrmVerdict.Passed, _b.Send(reply));

        Assert.Equal([request], _b.Inbox);
        Assert.Equal([reply], _a.Inbox);
        mib.AssertNone();
        foreach ((SimulatedHost receiver, uint tunnel, uint transport) in new[] { (_b, TunnelAToB, TransportAToB), (_a, TunnelBToA, TransportBToA) })
        {
            IpAddress outer = receiver == _b ? BOuter : AOuter;
            IpAddress inner = receiver == _b ? BInner : AInner;
            Assert.Equal(1ul, SiteToSite.StateOf(receiver, outer, tunnel).Current.Packets);
            Assert.Equal(1ul, SiteToSite.StateOf(receiver, inner, transport).Current.Packets);
            Assert.Equal(1ul, SiteToSite.StateOf(receiver, inner, transport).ReplayWindow!.Highest);
        }
    }

    [Fact]
    public void The_wire_carries_the_tunnel_sa_outside_and_the_transport_sa_inside()
    {
        byte[] request = Traffic.Udp(AInner, BInner, 5000, 53, 100);
        byte[] wire = new WireTap(_a).Protect(request);

        Assert.True(FlowExtractor.TryExtract(wire, 0, out Flow outer, out _));
        Assert.Equal((AOuter, BOuter, IpProtocol.Esp), (outer.Source, outer.Destination, outer.Protocol));
        Assert.Equal(TunnelAToB, BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(Ipv4Header.MinLength)));
        // Two ESP headers, two IVs, two trailers and ICVs and one more IP header than the plain packet.
        Assert.True(wire.Length >= request.Length + Ipv4Header.MinLength + 2 * (8 + 8 + 2 + 16));
    }

    [Fact]
    public void The_receivers_secpath_holds_the_tunnel_sa_first_then_the_transport_sa()
    {
        byte[] request = Traffic.Udp(AInner, BInner, 5000, 53, 100);
        byte[] wire = new WireTap(_a).Protect(request);
        var recorder = new SecPathRecorder();
        var input = new XfrmInput(_b.Engine, recorder, address => address == BInner || address == BOuter);

        Packet packet = _b.Pool.Rent();
        wire.CopyTo(packet.Put(wire.Length));
        packet.SetNetworkHeader(0);
        Assert.Equal(XfrmVerdict.Passed, input.Input(packet));

        (byte[] delivered, uint[] secPath) = Assert.Single(recorder.Delivered);
        Assert.Equal(request, delivered);
        Assert.Equal([TunnelAToB, TransportAToB], secPath);
    }

    public static TheoryData<string, DropReason> ReceiverPolicies => new()
    {
        { "transport+tunnel", DropReason.None },
        { "tunnel only", DropReason.None },           // extra transport protection inside is tolerated
        { "transport only", DropReason.InTmplMismatch }, // the tunnel decapsulation was not asked for
        { "tunnel+transport", DropReason.InTmplMismatch }, // templates in the wrong order: the tunnel must be outermost
        { "tunnel from elsewhere", DropReason.InTmplMismatch },
    };

    [Theory]
    [MemberData(nameof(ReceiverPolicies))]
    public void The_receivers_in_policy_decides_which_nestings_it_accepts(string policy, DropReason expected)
    {
        PolicyTemplate transport = TransportTemplate();
        PolicyTemplate tunnel = TunnelTemplate(AOuter, BOuter);
        PolicyTemplate[] templates = policy switch
        {
            "transport+tunnel" => [transport, tunnel],
            "tunnel only" => [tunnel],
            "transport only" => [transport],
            "tunnel+transport" => [tunnel, transport],
            _ => [transport, TunnelTemplate(IpAddress.Parse("192.0.2.99"), BOuter)],
        };
        Assert.Equal(SpdStatus.Ok, _b.Engine.Policies.Update(new SecurityPolicy(PolicyDirection.In, Between(AInner, BInner), PolicyAction.Ipsec, templates)));
        var mib = new MibWatch(_a, _b);
        byte[] request = Traffic.Udp(AInner, BInner, 5000, 53, 100);

        _a.Send(request);

        if (expected == DropReason.None)
        {
            Assert.Equal([request], _b.Inbox);
            mib.AssertNone();
        }
        else
        {
            Assert.Empty(_b.Inbox);
            mib.AssertOnly(_b, expected);
        }
    }

    private static Selector Between(IpAddress source, IpAddress destination) => new(IpPrefix.Host(source), IpPrefix.Host(destination));

    private static PolicyTemplate TransportTemplate() => new(IpsecProtocol.Esp, XfrmMode.Transport) { ReqId = TransportReqId };

    private static PolicyTemplate TunnelTemplate(IpAddress source, IpAddress destination) =>
        new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = source, TunnelDestination = destination, ReqId = TunnelReqId };

    private static void AddPolicies(SimulatedHost host, IpAddress localInner, IpAddress remoteInner, IpAddress localOuter, IpAddress remoteOuter)
    {
        SecurityPolicyDatabase spd = host.Engine.Policies;
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(
            PolicyDirection.Out, Between(localInner, remoteInner), PolicyAction.Ipsec, [TransportTemplate(), TunnelTemplate(localOuter, remoteOuter)])));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(
            PolicyDirection.In, Between(remoteInner, localInner), PolicyAction.Ipsec, [TransportTemplate(), TunnelTemplate(remoteOuter, localOuter)])));
    }
}

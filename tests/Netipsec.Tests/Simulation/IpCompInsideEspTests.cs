using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.States;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// IPComp transport inside ESP transport between two hosts, from one policy with templates [IPComp, ESP] (innermost
/// first), the IPComp template optional so packets sent uncompressed (RFC 3173 §2.2) still satisfy the receiver.
/// </summary>
public sealed class IpCompInsideEspTests
{
    private const uint EspAToB = 0x5001;
    private const uint EspBToA = 0x5002;
    private const uint CpiAToB = 0x5003;
    private const uint CpiBToA = 0x5004;
    private const uint ReqId = 7;
    private const byte Deflate = 2;

    private static readonly IpAddress A = IpAddress.Parse("192.0.2.10");
    private static readonly IpAddress B = IpAddress.Parse("198.51.100.20");

    private readonly SimulatedHost _a;
    private readonly SimulatedHost _b;

    public IpCompInsideEspTests()
    {
        var network = new SimulatedNetwork();
        var clock = SadTestData.NewClock();
        _a = new SimulatedHost("a", network, clock).WithAddress(A.ToString());
        _b = new SimulatedHost("b", network, clock).WithAddress(B.ToString());
        foreach (SimulatedHost host in new[] { _a, _b })
        {
            SecurityAssociationDatabase sad = host.Engine.States;
            Assert.Equal(SadStatus.Ok, sad.Add(HostToHost.TransportSa(A, B, EspAToB, ReqId)));
            Assert.Equal(SadStatus.Ok, sad.Add(HostToHost.TransportSa(B, A, EspBToA, ReqId)));
            Assert.Equal(SadStatus.Ok, sad.Add(IpCompSa(A, B, CpiAToB)));
            Assert.Equal(SadStatus.Ok, sad.Add(IpCompSa(B, A, CpiBToA)));
        }

        AddPolicies(_a, A, B);
        AddPolicies(_b, B, A);
    }

    [Fact]
    public void A_compressible_1400_byte_packet_is_compressed_inside_esp_and_delivered_byte_for_byte()
    {
        var mib = new MibWatch(_a, _b);
        byte[] request = Traffic.Udp(A, B, 5000, 53, 1400 - 28);
        Assert.Equal(1400, request.Length);

        byte[] wire = new WireTap(_a).Protect(request);
        Assert.Equal(IpProtocol.Esp, (IpProtocol)wire[9]);
        Assert.True(wire.Length < request.Length / 2, $"{wire.Length} bytes on the wire");

        Assert.Equal(Netipsec.Engine.XfrmVerdict.Passed, _a.Send(request));
        Assert.Equal([request], _b.Inbox);
        mib.AssertNone();
        Assert.Equal(1ul, SiteToSite.StateOf(_b, B, EspAToB).Current.Packets);
        Assert.Equal(1ul, IpCompStateOf(_b, B, CpiAToB).Current.Packets);
    }

    [Fact]
    public void A_small_packet_skips_ipcomp_and_is_delivered_byte_for_byte_both_ways()
    {
        var mib = new MibWatch(_a, _b);
        byte[] request = Traffic.Udp(A, B, 5000, 53, 40);
        byte[] reply = Traffic.Udp(B, A, 53, 5000, 40);

        Assert.Equal(Netipsec.Engine.XfrmVerdict.Passed, _a.Send(request));
        Assert.Equal(Netipsec.Engine.XfrmVerdict.Passed, _b.Send(reply));

        Assert.Equal([request], _b.Inbox);
        Assert.Equal([reply], _a.Inbox);
        mib.AssertNone();
        Assert.Equal(1ul, SiteToSite.StateOf(_b, B, EspAToB).Current.Packets);
        Assert.Equal(0ul, IpCompStateOf(_b, B, CpiAToB).Current.Packets);
        Assert.Equal(0ul, IpCompStateOf(_a, A, CpiBToA).Current.Packets);
    }

    private static SecurityAssociation IpCompStateOf(SimulatedHost host, IpAddress destination, uint cpi)
    {
        Assert.True(host.Engine.States.TryLookupBySpi(destination, cpi, IpsecProtocol.IpComp, out SecurityAssociation? sa));
        return sa;
    }

    private static SecurityAssociation IpCompSa(IpAddress source, IpAddress destination, uint cpi) =>
        new(new SaId(destination, cpi, IpsecProtocol.IpComp), source, XfrmMode.Transport)
        {
            ReqId = ReqId,
            Compression = SaAlgorithm.WithoutKey(Deflate),
        };

    private static void AddPolicies(SimulatedHost host, IpAddress local, IpAddress remote)
    {
        PolicyTemplate[] templates =
        [
            new(IpsecProtocol.IpComp, XfrmMode.Transport) { ReqId = ReqId, Level = TemplateLevel.Use },
            new(IpsecProtocol.Esp, XfrmMode.Transport) { ReqId = ReqId },
        ];
        SecurityPolicyDatabase spd = host.Engine.Policies;
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(IpPrefix.Host(local), IpPrefix.Host(remote)), PolicyAction.Ipsec, templates)));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(IpPrefix.Host(remote), IpPrefix.Host(local)), PolicyAction.Ipsec, templates)));
    }
}

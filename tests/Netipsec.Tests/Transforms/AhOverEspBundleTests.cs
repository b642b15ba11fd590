using System.Buffers.Binary;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;

namespace Netipsec.Tests.Transforms;

/// <summary>
/// ESP inside AH (RFC 4301 §4.5 "AH over ESP"), end to end through the simulation, from one policy whose templates
/// are [ESP, AH] innermost first: host to host with both in transport mode, and gateway to gateway with an ESP tunnel
/// under AH in transport or tunnel mode. AH authenticates the ESP packet and the outer header's immutable fields.
/// </summary>
public sealed class AhOverEspBundleTests
{
    private const uint EspAToB = 0x6001;
    private const uint AhAToB = 0x6002;
    private const uint EspBToA = 0x6003;
    private const uint AhBToA = 0x6004;
    private const uint EspReqId = 1;
    private const uint AhReqId = 2;
    private const byte HmacSha256 = 5;

    public static TheoryData<IpVersion> Versions => new() { IpVersion.V4, IpVersion.V6 };

    [Theory]
    [MemberData(nameof(Versions))]
    public void Transport_mode_traffic_crosses_both_ways_with_ah_outside_esp(IpVersion version)
    {
        var net = new HostToHost(version, configure: false);
        foreach (SimulatedHost host in new[] { net.A, net.B })
        {
            InstallStates(host, net.AAddress, net.BAddress, XfrmMode.Transport, XfrmMode.Transport, null);
        }

        AddPolicies(net.A, Host(net.AAddress), Host(net.BAddress), net.AAddress, net.BAddress, XfrmMode.Transport, XfrmMode.Transport, fwd: false);
        AddPolicies(net.B, Host(net.BAddress), Host(net.AAddress), net.BAddress, net.AAddress, XfrmMode.Transport, XfrmMode.Transport, fwd: false);
        MibWatch mib = net.Watch();
        byte[] request = Traffic.Tcp(net.AAddress, net.BAddress, 40000, 443, 300);
        byte[] reply = Traffic.Udp(net.BAddress, net.AAddress, 53, 5000, 120);

        byte[] wire = new WireTap(net.A).Protect(request);
        AssertAhThenEsp(wire, version, AhAToB, EspAToB);
        Assert.Equal(XfrmVerdict.Passed, net.A.Send(request));
        Assert.Equal(XfrmVerdict.Passed, net.B.Send(reply));

        Assert.Equal([request], net.B.Inbox);
        Assert.Equal([reply], net.A.Inbox);
        mib.AssertNone();
        AssertSecPath(net.B, wire, request, [AhAToB, EspAToB]);
    }

    [Theory]
    [InlineData(IpVersion.V4, XfrmMode.Transport)]
    [InlineData(IpVersion.V6, XfrmMode.Transport)]
    [InlineData(IpVersion.V4, XfrmMode.Tunnel)]
    [InlineData(IpVersion.V6, XfrmMode.Tunnel)]
    public void Site_to_site_traffic_crosses_an_esp_tunnel_under_ah(IpVersion version, XfrmMode ahMode)
    {
        var net = new SiteToSite(version, version, configure: false);
        Selector westToEast = new(net.WestSite, net.EastSite);
        foreach (SimulatedHost gateway in new[] { net.WestGateway, net.EastGateway })
        {
            InstallStates(gateway, net.WestGatewayOuter, net.EastGatewayOuter, XfrmMode.Tunnel, ahMode, (westToEast, new Selector(net.EastSite, net.WestSite)));
        }

        AddPolicies(net.WestGateway, net.WestSite, net.EastSite, net.WestGatewayOuter, net.EastGatewayOuter, XfrmMode.Tunnel, ahMode, fwd: true);
        AddPolicies(net.EastGateway, net.EastSite, net.WestSite, net.EastGatewayOuter, net.WestGatewayOuter, XfrmMode.Tunnel, ahMode, fwd: true);
        MibWatch mib = net.Watch();
        byte[] request = Traffic.Tcp(net.WestHostAddress, net.EastHostAddress, 40000, 443, 300);
        byte[] reply = Traffic.Udp(net.EastHostAddress, net.WestHostAddress, 53, 5000, 120);

        byte[] wire = new WireTap(net.WestGateway).Protect(request);
        if (ahMode == XfrmMode.Transport)
        {
            AssertAhThenEsp(wire, version, AhAToB, EspAToB);
        }
        else
        {
            // outer IP | AH | IP | ESP: the AH tunnel wraps the ESP tunnel's packet in one more header.
            int ipLength = version == IpVersion.V4 ? Ipv4Header.MinLength : Ipv6Header.Length;
            Assert.Equal(IpProtocol.Ah, Protocol(wire, version));
            Assert.Equal(version == IpVersion.V4 ? IpProtocol.IpInIp : IpProtocol.Ipv6, (IpProtocol)wire[ipLength]);
            byte[] espPacket = wire[(ipLength + ((wire[ipLength + 1] + 2) * 4))..];
            Assert.Equal(IpProtocol.Esp, Protocol(espPacket, version));
            Assert.Equal(EspAToB, BinaryPrimitives.ReadUInt32BigEndian(espPacket.AsSpan(ipLength)));
        }

        Assert.Equal(XfrmVerdict.Bypassed, net.WestHost.Send(request));
        Assert.Equal(XfrmVerdict.Bypassed, net.EastHost.Send(reply));

        Assert.Equal([request], net.EastHost.Inbox);
        Assert.Equal([reply], net.WestHost.Inbox);
        mib.AssertNone();
    }

    [Fact]
    public void A_bit_flipped_in_the_esp_packet_fails_ahs_check_first()
    {
        var net = new HostToHost(IpVersion.V4, configure: false);
        foreach (SimulatedHost host in new[] { net.A, net.B })
        {
            InstallStates(host, net.AAddress, net.BAddress, XfrmMode.Transport, XfrmMode.Transport, null);
        }

        AddPolicies(net.A, Host(net.AAddress), Host(net.BAddress), net.AAddress, net.BAddress, XfrmMode.Transport, XfrmMode.Transport, fwd: false);
        AddPolicies(net.B, Host(net.BAddress), Host(net.AAddress), net.BAddress, net.AAddress, XfrmMode.Transport, XfrmMode.Transport, fwd: false);
        MibWatch mib = net.Watch();
        byte[] wire = new WireTap(net.A).Protect(Traffic.Udp(net.AAddress, net.BAddress, 5000, 53, 100));
        wire[^1] ^= 1;

        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(net.B, wire));

        mib.AssertOnly(net.B, DropReason.InStateProtoError);
        Assert.Equal(1u, StateOf(net.B, net.BAddress, AhAToB, IpsecProtocol.Ah).Statistics[SaCounter.IntegrityFailures]);
        Assert.Equal(0u, StateOf(net.B, net.BAddress, EspAToB, IpsecProtocol.Esp).Statistics[SaCounter.IntegrityFailures]);
    }

    [Fact]
    public void A_receiver_that_requires_only_esp_refuses_nothing_extra_but_one_requiring_ah_outside_refuses_bare_esp()
    {
        // Extra transport protection is tolerated (Linux): ESP-only in policy accepts AH over ESP.
        var net = new HostToHost(IpVersion.V4, configure: false);
        foreach (SimulatedHost host in new[] { net.A, net.B })
        {
            InstallStates(host, net.AAddress, net.BAddress, XfrmMode.Transport, XfrmMode.Transport, null);
        }

        AddPolicies(net.A, Host(net.AAddress), Host(net.BAddress), net.AAddress, net.BAddress, XfrmMode.Transport, XfrmMode.Transport, fwd: false);
        Assert.Equal(SpdStatus.Ok, net.B.Engine.Policies.Add(new SecurityPolicy(
            PolicyDirection.In, new Selector(Host(net.AAddress), Host(net.BAddress)), PolicyAction.Ipsec, [Template(IpsecProtocol.Esp, XfrmMode.Transport, EspReqId, net.AAddress, net.BAddress)])));
        byte[] request = Traffic.Udp(net.AAddress, net.BAddress, 5000, 53, 100);
        Assert.Equal(XfrmVerdict.Passed, net.A.Send(request));
        Assert.Equal([request], net.B.Inbox);

        // The other way round: B sends bare ESP, A's in policy wants AH outside it.
        Assert.Equal(SpdStatus.Ok, net.B.Engine.Policies.Add(new SecurityPolicy(
            PolicyDirection.Out, new Selector(Host(net.BAddress), Host(net.AAddress)), PolicyAction.Ipsec, [Template(IpsecProtocol.Esp, XfrmMode.Transport, EspReqId, net.BAddress, net.AAddress)])));
        MibWatch mib = net.Watch();
        net.B.Send(Traffic.Udp(net.BAddress, net.AAddress, 53, 5000, 100));
        Assert.Empty(net.A.Inbox);
        mib.AssertOnly(net.A, DropReason.InTmplMismatch);
    }

    private static IpPrefix Host(IpAddress address) => IpPrefix.Host(address);

    /// <summary>ESP (AES-GCM) and AH (HMAC-SHA-256) SAs both ways between <paramref name="a"/> and <paramref name="b"/>.</summary>
    private static void InstallStates(SimulatedHost host, IpAddress a, IpAddress b, XfrmMode espMode, XfrmMode ahMode, (Selector AToB, Selector BToA)? inner)
    {
        SecurityAssociationDatabase sad = host.Engine.States;
        foreach ((IpAddress source, IpAddress destination, uint esp, uint ah, Selector? selector) in new[]
        {
            (a, b, EspAToB, AhAToB, inner?.AToB),
            (b, a, EspBToA, AhBToA, inner?.BToA),
        })
        {
            Assert.Equal(SadStatus.Ok, sad.Add(new SecurityAssociation(new SaId(destination, esp, IpsecProtocol.Esp), source, espMode)
            {
                ReqId = EspReqId,
                Encryption = new SaAlgorithm(SiteToSite.AesGcm16, SiteToSite.KeyFor(esp)),
                ReplayWindowSize = 64,
                InnerSelector = espMode == XfrmMode.Tunnel ? selector : null,
            }));
            Assert.Equal(SadStatus.Ok, sad.Add(new SecurityAssociation(new SaId(destination, ah, IpsecProtocol.Ah), source, ahMode)
            {
                ReqId = AhReqId,
                Authentication = new SaAlgorithm(HmacSha256, [.. Enumerable.Range((int)ah & 0xFF, 32).Select(i => (byte)i)]),
                ReplayWindowSize = 64,
            }));
        }
    }

    private static PolicyTemplate Template(IpsecProtocol protocol, XfrmMode mode, uint reqId, IpAddress source, IpAddress destination) =>
        mode == XfrmMode.Transport
            ? new(protocol, mode) { ReqId = reqId }
            : new(protocol, mode) { ReqId = reqId, TunnelSource = source, TunnelDestination = destination };

    /// <summary>Out (local → remote) and in (and fwd) policies with templates [ESP, AH], innermost first.</summary>
    private static void AddPolicies(SimulatedHost host, IpPrefix local, IpPrefix remote, IpAddress localOuter, IpAddress remoteOuter, XfrmMode espMode, XfrmMode ahMode, bool fwd)
    {
        PolicyTemplate[] outbound = [Template(IpsecProtocol.Esp, espMode, EspReqId, localOuter, remoteOuter), Template(IpsecProtocol.Ah, ahMode, AhReqId, localOuter, remoteOuter)];
        PolicyTemplate[] inbound = [Template(IpsecProtocol.Esp, espMode, EspReqId, remoteOuter, localOuter), Template(IpsecProtocol.Ah, ahMode, AhReqId, remoteOuter, localOuter)];
        SecurityPolicyDatabase spd = host.Engine.Policies;
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(local, remote), PolicyAction.Ipsec, outbound)));
        Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.In, new Selector(remote, local), PolicyAction.Ipsec, inbound)));
        if (fwd)
        {
            Assert.Equal(SpdStatus.Ok, spd.Add(new SecurityPolicy(PolicyDirection.Fwd, new Selector(remote, local), PolicyAction.Ipsec, inbound)));
        }
    }

    private static IpProtocol Protocol(byte[] packet, IpVersion version) => (IpProtocol)(version == IpVersion.V4 ? packet[9] : packet[6]);

    /// <summary>IP | AH (<paramref name="ahSpi"/>, next header ESP) | ESP (<paramref name="espSpi"/>).</summary>
    private static void AssertAhThenEsp(byte[] wire, IpVersion version, uint ahSpi, uint espSpi)
    {
        int ah = version == IpVersion.V4 ? Ipv4Header.MinLength : Ipv6Header.Length;
        Assert.Equal(IpProtocol.Ah, Protocol(wire, version));
        Assert.Equal(IpProtocol.Esp, (IpProtocol)wire[ah]);
        Assert.Equal(ahSpi, BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(ah + 4)));

        int ahLength = (wire[ah + 1] + 2) * 4; // HMAC-SHA-256-128: 12 fixed bytes + 16 ICV (+ 4 IPv6 padding)
        Assert.Equal(espSpi, BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(ah + ahLength)));
    }

    /// <summary>Injects <paramref name="wire"/> (sequence number 1, not yet seen) and checks the delivery and the secpath, outermost first.</summary>
    private static void AssertSecPath(SimulatedHost receiver, byte[] wire, byte[] expected, uint[] spis)
    {
        var recorder = new SecPathRecorder();
        Packet packet = receiver.Pool.Rent();
        wire.CopyTo(packet.Put(wire.Length));

        Assert.Equal(XfrmVerdict.Passed, new XfrmInput(receiver.Engine, recorder).Input(packet));

        (byte[] delivered, uint[] secPath) = Assert.Single(recorder.Delivered);
        Assert.Equal(expected, delivered);
        Assert.Equal(spis, secPath);
    }

    private static SecurityAssociation StateOf(SimulatedHost host, IpAddress destination, uint spi, IpsecProtocol protocol)
    {
        Assert.True(host.Engine.States.TryLookupBySpi(destination, spi, protocol, out SecurityAssociation? sa));
        return sa;
    }
}

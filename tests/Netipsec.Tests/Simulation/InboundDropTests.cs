using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// Every way the Rx path drops a packet it can be made to drop from outside: each moves exactly one MIB counter of
/// the receiving gateway (no counter anywhere else), and the per-SA statistics where the drop has one.
/// </summary>
public sealed class InboundDropTests
{
    private readonly SiteToSite _net = new();

    private SecurityAssociation EastInbound => SiteToSite.StateOf(_net.EastGateway, _net.EastGatewayOuter, SiteToSite.WestToEastSpi);

    [Fact]
    public void No_sa_for_the_spi_counts_InNoStates()
    {
        Assert.Equal(SadStatus.Ok, _net.EastGateway.Engine.States.Delete(EastInbound.Id));
        _net.AssertDroppedOnly(_net.EastGateway, DropReason.InNoStates, () => SendWestToEast());
    }

    [Fact]
    public void A_flipped_byte_counts_InStateProtoError_and_an_integrity_failure_and_leaves_the_window_alone()
    {
        byte[] plain = Udp();
        byte[] wire = new WireTap(_net.WestGateway).Protect(plain);
        byte[] tampered = [.. wire];
        tampered[Ipv4Header.MinLength + 8 + 8 + 3] ^= 0x01; // a ciphertext byte, behind the ESP header and IV
        MibWatch mib = _net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(_net.EastGateway, tampered));
        Assert.Equal(1, EastInbound.Statistics[SaCounter.IntegrityFailures]);
        Assert.Equal(0ul, EastInbound.ReplayWindow!.Highest);
        Assert.Equal(0ul, EastInbound.Current.Packets);

        // The genuine packet with the same sequence number still gets through: the forgery did not advance the window.
        Assert.Equal(XfrmVerdict.Passed, WireTap.Inject(_net.EastGateway, wire));
        Assert.Equal([plain], _net.EastHost.Inbox);
        mib.AssertOnly(_net.EastGateway, DropReason.InStateProtoError);
    }

    [Fact]
    public void A_replayed_packet_counts_InStateSeqError_and_a_replay()
    {
        byte[] plain = SendWestToEast();
        byte[] wire = _net.Network.Wire[1]; // [0] is west host -> gateway, [1] gateway -> gateway
        MibWatch mib = _net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(_net.EastGateway, wire));

        Assert.Equal([plain], _net.EastHost.Inbox);
        Assert.Equal((1L, 0L), (EastInbound.Statistics[SaCounter.Replay], EastInbound.Statistics[SaCounter.ReplayWindow]));
        mib.AssertOnly(_net.EastGateway, DropReason.InStateSeqError);
    }

    [Fact]
    public void A_late_packet_inside_the_window_passes_and_one_behind_it_counts_InStateSeqError_and_a_replay_window_drop()
    {
        var tap = new WireTap(_net.WestGateway);
        byte[] first = tap.Protect(Udp(1));  // sequence 1
        byte[] secondPlain = Udp(2);
        byte[] second = tap.Protect(secondPlain); // sequence 2
        for (int i = 3; i <= 65; i++)
        {
            SendWestToEast(i); // sequences 3..65: the 64-packet window now covers 2..65
        }

        MibWatch mib = _net.Watch();

        Assert.Equal(XfrmVerdict.Passed, WireTap.Inject(_net.EastGateway, second));
        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(_net.EastGateway, first));

        Assert.Equal(65ul, EastInbound.ReplayWindow!.Highest);
        Assert.Equal(secondPlain, _net.EastHost.Inbox[^1]);
        Assert.Equal((0L, 1L), (EastInbound.Statistics[SaCounter.Replay], EastInbound.Statistics[SaCounter.ReplayWindow]));
        mib.AssertOnly(_net.EastGateway, DropReason.InStateSeqError);
    }

    [Fact]
    public void A_tunnel_sa_whose_inner_selector_does_not_cover_the_inner_packet_counts_InStateMismatch()
    {
        SiteToSite.ReplaceState(_net.EastGateway, SiteToSite.TunnelSa(
            _net.WestGatewayOuter, _net.EastGatewayOuter, SiteToSite.WestToEastSpi, new Selector(_net.WestSite, IpPrefix.Parse("203.0.113.128/25"))));
        MibWatch mib = _net.Watch();

        SendWestToEast(); // to 203.0.113.10

        Assert.Empty(_net.EastHost.Inbox);
        mib.AssertOnly(_net.EastGateway, DropReason.InStateMismatch);
    }

    [Fact]
    public void A_larval_sa_from_getspi_with_the_packets_spi_counts_InStateInvalid()
    {
        Assert.Equal(SadStatus.Ok, _net.EastGateway.Engine.States.Delete(EastInbound.Id));
        Assert.Equal(SadStatus.Ok, _net.EastGateway.Engine.States.GetSpi(
            _net.EastGatewayOuter, _net.WestGatewayOuter, IpsecProtocol.Esp, XfrmMode.Tunnel, 1, SiteToSite.WestToEastSpi, SiteToSite.WestToEastSpi, 0, out SecurityAssociation? larval));
        Assert.Equal((SiteToSite.WestToEastSpi, SaState.Larval), (larval!.Spi, larval.State));
        _net.AssertDroppedOnly(_net.EastGateway, DropReason.InStateInvalid, () => SendWestToEast());
    }

    [Theory]
    [InlineData("tunnel source")]
    [InlineData("reqid")]
    public void A_fwd_policy_demanding_another_tunnel_counts_InTmplMismatch(string difference)
    {
        var template = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel)
        {
            TunnelSource = difference == "tunnel source" ? IpAddress.Parse("192.0.2.99") : _net.WestGatewayOuter,
            TunnelDestination = _net.EastGatewayOuter,
            ReqId = difference == "reqid" ? 2u : 1u,
        };
        ReplaceEastFwdPolicy(PolicyAction.Ipsec, template);
        _net.AssertDroppedOnly(_net.EastGateway, DropReason.InTmplMismatch, () => SendWestToEast());
    }

    [Fact]
    public void Tunnel_traffic_that_no_fwd_policy_covers_counts_InNoPols()
    {
        Assert.Equal(SpdStatus.Ok, _net.EastGateway.Engine.Policies.Delete(PolicyDirection.Fwd, new Selector(_net.WestSite, _net.EastSite), out _));
        _net.AssertDroppedOnly(_net.EastGateway, DropReason.InNoPols, () => SendWestToEast());
    }

    [Fact]
    public void A_block_fwd_policy_counts_InPolBlock()
    {
        ReplaceEastFwdPolicy(PolicyAction.Block);
        _net.AssertDroppedOnly(_net.EastGateway, DropReason.InPolBlock, () => SendWestToEast());
    }

    public static TheoryData<string> Malformed => ["empty", "one byte", "garbage", "truncated IPv4 header", "ESP header cut short", "IPv6 ESP header cut short", "UDP header cut short"];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Garbage_and_truncated_packets_count_InHdrError(string kind)
    {
        byte[] esp = new WireTap(_net.WestGateway).Protect(Udp());
        byte[] packet = kind switch
        {
            "empty" => [],
            "one byte" => [0x45],
            "garbage" => [.. Enumerable.Repeat(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, 16).SelectMany(b => b)],
            "truncated IPv4 header" => esp[..12],
            "ESP header cut short" => CutIpv4(esp, Ipv4Header.MinLength + 4),
            "IPv6 ESP header cut short" => Ipv6Esp(4),
            _ => CutIpv4(Udp(), Ipv4Header.MinLength + 2),
        };
        MibWatch mib = _net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(_net.EastGateway, packet));

        mib.AssertOnly(_net.EastGateway, DropReason.InHdrError);
    }

    [Fact]
    public void Six_nested_sas_are_the_limit_and_a_seventh_counts_InBufferError()
    {
        // Seven transport SAs from A to B: a policy for UDP applies six (the most a policy may have), a policy for ESP the seventh.
        var net = new HostToHost(IpVersion.V4, configure: false);
        var host = new Selector(IpPrefix.Host(net.AAddress), IpPrefix.Host(net.BAddress));
        PolicyTemplate Layer(int i) => new(IpsecProtocol.Esp, XfrmMode.Transport) { ReqId = (uint)(11 + i) };
        Assert.Equal(SpdStatus.Ok, net.A.Engine.Policies.Add(new SecurityPolicy(
            PolicyDirection.Out, host with { Protocol = IpProtocol.Udp }, PolicyAction.Ipsec, [.. Enumerable.Range(0, SecPath.MaxDepth).Select(Layer)])));
        Assert.Equal(SpdStatus.Ok, net.A.Engine.Policies.Add(new SecurityPolicy(
            PolicyDirection.Out, host with { Protocol = IpProtocol.Esp }, PolicyAction.Ipsec, [Layer(SecPath.MaxDepth)])));
        for (int i = 0; i <= SecPath.MaxDepth; i++)
        {
            Assert.Equal(SadStatus.Ok, net.A.Engine.States.Add(HostToHost.TransportSa(net.AAddress, net.BAddress, (uint)(0x5001 + i), (uint)(11 + i))));
            Assert.Equal(SadStatus.Ok, net.B.Engine.States.Add(HostToHost.TransportSa(net.AAddress, net.BAddress, (uint)(0x5001 + i), (uint)(11 + i))));
        }

        var tap = new WireTap(net.A);
        byte[] plain = Traffic.Udp(net.AAddress, net.BAddress, 5000, 53, 40);
        byte[] sixDeep = tap.Protect(plain);
        byte[] sevenDeep = tap.Protect(tap.Protect(plain));
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Passed, WireTap.Inject(net.B, sixDeep));
        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(net.B, sevenDeep));

        Assert.Equal([plain], net.B.Inbox);
        mib.AssertOnly(net.B, DropReason.InBufferError);
    }

    [Fact]
    public void A_receiver_whose_sa_is_in_another_mode_than_the_senders_counts_InStateModeError()
    {
        // A sends transport mode; B's SA with the same SPI and key says tunnel, so the decrypted UDP is not an inner IP packet.
        var net = new HostToHost(IpVersion.V4);
        SiteToSite.ReplaceState(net.B, SiteToSite.TunnelSa(net.AAddress, net.BAddress, HostToHost.AToBSpi, inner: null));
        MibWatch mib = net.Watch();

        net.A.Send(Traffic.Udp(net.AAddress, net.BAddress, 5000, 53));

        Assert.Empty(net.B.Inbox);
        mib.AssertOnly(net.B, DropReason.InStateModeError);
    }

    private byte[] Udp(int tag = 1) => Traffic.Udp(_net.WestHostAddress, _net.EastHostAddress, 5000, (ushort)(1000 + tag), 64);

    private byte[] SendWestToEast(int tag = 1)
    {
        byte[] packet = Udp(tag);
        Assert.Equal(XfrmVerdict.Bypassed, _net.WestHost.Send(packet));
        return packet;
    }

    private void ReplaceEastFwdPolicy(PolicyAction action, params PolicyTemplate[] templates) =>
        Assert.Equal(SpdStatus.Ok, _net.EastGateway.Engine.Policies.Update(
            new SecurityPolicy(PolicyDirection.Fwd, new Selector(_net.WestSite, _net.EastSite), action, templates)));

    /// <summary>The first <paramref name="length"/> bytes of an IPv4 packet, with its length and checksum made consistent.</summary>
    private static byte[] CutIpv4(byte[] packet, int length)
    {
        byte[] cut = packet[..length];
        var header = new Ipv4Header(cut) { TotalLength = (ushort)length };
        header.UpdateChecksum();
        return cut;
    }

    /// <summary>An IPv6 packet announcing ESP with only <paramref name="espBytes"/> bytes of it.</summary>
    private static byte[] Ipv6Esp(int espBytes)
    {
        byte[] packet = new byte[Ipv6Header.Length + espBytes];
        _ = new Ipv6Header(packet)
        {
            Version = 6,
            PayloadLength = (ushort)espBytes,
            NextHeader = IpProtocol.Esp,
            HopLimit = 64,
            Source = IpAddress.Parse("2001:db8:ff::1"),
            Destination = IpAddress.Parse("2001:db8:ff::2"),
        };
        return packet;
    }
}

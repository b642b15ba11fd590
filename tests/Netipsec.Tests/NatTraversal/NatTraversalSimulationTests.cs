using System.Buffers.Binary;
using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;

namespace Netipsec.Tests.NatTraversal;

/// <summary>End to end through a simulated NAPT box: ESP in UDP (RFC 3948) in tunnel and transport mode, keepalives, IKE on port 4500, mapping changes.</summary>
public sealed class NatTraversalSimulationTests
{
    [Fact]
    public void Tunnel_traffic_crosses_the_nat_in_udp_both_ways_byte_for_byte()
    {
        var net = new TunnelThroughNat();
        MibWatch mib = net.Watch();
        byte[][] toEast =
        [
            Traffic.Udp(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress, 5000, 53, 200),
            Traffic.Tcp(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress, 40000, 443, 1000),
            Traffic.Ping(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress),
        ];
        byte[][] toWest =
        [
            Traffic.Udp(TunnelThroughNat.EastHostAddress, TunnelThroughNat.WestHostAddress, 53, 5000, 300),
            Traffic.Tcp(TunnelThroughNat.EastHostAddress, TunnelThroughNat.WestHostAddress, 443, 40000, 1200),
            Traffic.Ping(TunnelThroughNat.EastHostAddress, TunnelThroughNat.WestHostAddress, reply: true),
        ];
        int wireBefore = net.Network.Wire.Count;

        foreach (byte[] packet in toEast)
        {
            Assert.Equal(XfrmVerdict.Bypassed, net.WestHost.Send(packet)); // the host sends in clear to its gateway
        }

        foreach (byte[] packet in toWest)
        {
            Assert.Equal(XfrmVerdict.Bypassed, net.EastHost.Send(packet));
        }

        Assert.Equal(toEast, net.EastHost.Inbox);
        Assert.Equal(toWest, net.WestHost.Inbox);
        List<byte[]> tunnelled = [.. net.Network.Wire.Skip(wireBefore).Where(IsNatTraversal)];
        Assert.Equal(12, tunnelled.Count); // six packets, each seen before and after the NAT
        Assert.DoesNotContain(net.Network.Wire, w => NatPackets.ProtocolOf(w) == IpProtocol.Esp);
        Assert.All(tunnelled, w => Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(NatPackets.UdpOf(w)[6..]))); // RFC 3948 §2.1: zero over IPv4
        Assert.All(tunnelled, w => Assert.True(new Ipv4Header(w).VerifyChecksum()));
        Assert.Empty(net.EastKeyManager.Changes);
        mib.AssertNone();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Transport_mode_tcp_and_udp_pass_the_receivers_checksum_check_with_or_without_nat_oa(bool originalAddressAtB)
    {
        var net = new TransportThroughNat(originalAddressAtB);
        MibWatch mib = net.Watch();
        byte[] tcp = Traffic.Tcp(TransportThroughNat.AAddress, TransportThroughNat.BAddress, 40000, 443, 700);
        byte[] udp = Traffic.Udp(TransportThroughNat.AAddress, TransportThroughNat.BAddress, 5000, 53, 301);

        Assert.Equal(XfrmVerdict.Passed, net.A.Send(tcp));
        Assert.Equal(XfrmVerdict.Passed, net.A.Send(udp));
        Assert.Equal(XfrmVerdict.Passed, net.B.Send(Traffic.Tcp(TransportThroughNat.BAddress, TransportThroughNat.NatPublic, 443, 40000, 500)));
        Assert.Equal(XfrmVerdict.Passed, net.B.Send(Traffic.Udp(TransportThroughNat.BAddress, TransportThroughNat.NatPublic, 53, 5000, 99)));

        Assert.Equal((0, 0), (net.A.ChecksumErrors, net.B.ChecksumErrors));
        Assert.Equal(2, net.B.Inbox.Count);
        Assert.Equal(2, net.A.Inbox.Count);

        // B sees the NAT's address in the header (transport mode keeps it) and the data A sent.
        Assert.Equal(TransportThroughNat.NatPublic, new Ipv4Header(net.B.Inbox[0]).Source);
        Assert.Equal(tcp.AsSpan(Ipv4Header.MinLength + 20).ToArray(), net.B.Inbox[0].AsSpan(Ipv4Header.MinLength + 20).ToArray());
        ushort udpChecksumAtB = BinaryPrimitives.ReadUInt16BigEndian(net.B.Inbox[1].AsSpan(Ipv4Header.MinLength + 6));
        Assert.Equal(originalAddressAtB, udpChecksumAtB != 0); // NAT-OA: fixed incrementally; without: zeroed (RFC 3948 §3.1.2)
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(net.A.Inbox[1].AsSpan(Ipv4Header.MinLength + 6))); // A has no NAT-OA for B
        mib.AssertNone();
    }

    [Fact]
    public void Each_outbound_encapsulated_sa_sends_a_keepalive_every_interval_and_the_peer_counts_and_drops_it()
    {
        var net = new TunnelThroughNat(natTraversal: new NatTraversalOptions { KeepaliveInterval = TimeSpan.FromSeconds(5) });
        MibWatch mib = net.Watch();
        Assert.Equal(0, net.WestGateway.SendDueKeepalives()); // the first is due an interval after the SA was installed

        net.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, net.WestGateway.SendDueKeepalives());
        int wireBefore = net.Network.Wire.Count;
        net.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, net.WestGateway.SendDueKeepalives());
        Assert.Equal(0, net.WestGateway.SendDueKeepalives());

        byte[] sent = net.Network.Wire[wireBefore];
        byte[] natted = net.Network.Wire[wireBefore + 1];
        var sentHeader = new Ipv4Header(sent);
        Assert.Equal((TunnelThroughNat.WestOuter, TunnelThroughNat.EastOuter, IpProtocol.Udp, 29), (sentHeader.Source, sentHeader.Destination, sentHeader.Protocol, (int)sentHeader.TotalLength));
        Assert.True(sentHeader.VerifyChecksum());
        Assert.Equal(Convert.FromHexString("11941194000900" + "00" + "FF"), NatPackets.UdpOf(sent).ToArray()); // 4500 -> 4500, length 9, checksum 0, 0xFF
        Assert.Equal((TunnelThroughNat.NatPublic, net.WestPublicPort), (new Ipv4Header(natted).Source, BinaryPrimitives.ReadUInt16BigEndian(NatPackets.UdpOf(natted))));
        Assert.Equal(1, net.EastGateway.Engine.NatTraversal.Statistics[NatTraversalCounter.KeepalivesReceived]);
        Assert.Equal(1, net.WestGateway.Engine.NatTraversal.Statistics[NatTraversalCounter.KeepalivesSent]);

        net.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, net.WestGateway.SendDueKeepalives());
        Assert.Equal(1, net.EastGateway.SendDueKeepalives()); // east's outbound SA keeps the mapping open from its side too
        Assert.Equal(2, net.EastGateway.Engine.NatTraversal.Statistics[NatTraversalCounter.KeepalivesReceived]);
        Assert.Equal(1, net.WestGateway.Engine.NatTraversal.Statistics[NatTraversalCounter.KeepalivesReceived]);
        Assert.Empty(net.EastHost.Inbox);
        mib.AssertNone();
    }

    [Fact]
    public void Ike_behind_the_non_esp_marker_reaches_the_ike_handler_and_is_dropped_and_counted_without_one()
    {
        var net = new TunnelThroughNat();
        MibWatch mib = net.Watch();
        NatTraversalEngine east = net.EastGateway.Engine.NatTraversal;

        net.WestGateway.SendUnprotected(NatPackets.Ike(TunnelThroughNat.WestOuter, 4500, TunnelThroughNat.EastOuter, 4500, ikeLength: 60));

        Assert.Equal(2, net.EastIke.Packets.Count);
        (UdpEndpoint source, UdpEndpoint destination, byte[] payload) = net.EastIke.Packets[1];
        Assert.Equal(new UdpEndpoint(TunnelThroughNat.NatPublic, net.WestPublicPort), source);
        Assert.Equal(new UdpEndpoint(TunnelThroughNat.EastOuter, 4500), destination);
        Assert.Equal(NatPackets.NonEspMarker, payload[..4]);
        Assert.Equal(64, payload.Length);
        Assert.Equal((2L, 0L), (east.Statistics[NatTraversalCounter.IkePacketsHandedOff], east.Statistics[NatTraversalCounter.IkePacketsUnhandled]));

        east.IkeHandler = null;
        net.WestGateway.SendUnprotected(NatPackets.Ike(TunnelThroughNat.WestOuter, 4500, TunnelThroughNat.EastOuter, 4500));

        Assert.Equal((2L, 1L), (east.Statistics[NatTraversalCounter.IkePacketsHandedOff], east.Statistics[NatTraversalCounter.IkePacketsUnhandled]));
        Assert.Equal(0, net.EastGateway.Pool.RentedCount);
        mib.AssertNone();
    }

    [Fact]
    public void A_new_nat_mapping_is_reported_once_and_changes_nothing_until_the_key_manager_updates_the_sas()
    {
        var net = new TunnelThroughNat();
        ushort oldPort = net.WestPublicPort;
        net.Nat.Rebind();

        for (int i = 0; i < 3; i++)
        {
            net.WestHost.Send(Traffic.Udp(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress, 5000, 53, 100 + i));
        }

        Assert.Equal(3, net.EastHost.Inbox.Count); // the SA still takes the packets: only the key manager moves it
        NatMappingChange change = Assert.Single(net.EastKeyManager.Changes);
        ushort newPort = net.Nat.PublicPortOf(TunnelThroughNat.WestOuter, 4500, IpProtocol.Udp)!.Value;
        Assert.NotEqual(oldPort, newPort);
        Assert.Equal(new UdpEndpoint(TunnelThroughNat.NatPublic, oldPort), change.Previous);
        Assert.Equal(new UdpEndpoint(TunnelThroughNat.NatPublic, newPort), change.Current);
        SecurityAssociation eastIn = change.State;
        Assert.Equal((TunnelThroughNat.WestToEastSpi, oldPort), (eastIn.Spi, eastIn.NatTraversal!.SourcePort));
        Assert.Equal(1, net.EastGateway.Engine.NatTraversal.Statistics[NatTraversalCounter.MappingChanges]);

        // East still sends to the old port, which the NAT forgot.
        net.EastHost.Send(Traffic.Udp(TunnelThroughNat.EastHostAddress, TunnelThroughNat.WestHostAddress, 53, 5000));
        Assert.Empty(net.WestHost.Inbox);
        Assert.Equal(1, net.Nat.Dropped);

        // The key manager follows the NAT (PF_KEY UPDATE with the new ports): traffic flows both ways, no new report.
        UpdatePort(net.EastGateway, TunnelThroughNat.EastOuter, TunnelThroughNat.WestToEastSpi, newPort, isSource: true);
        UpdatePort(net.EastGateway, TunnelThroughNat.NatPublic, TunnelThroughNat.EastToWestSpi, newPort, isSource: false);
        net.WestHost.Send(Traffic.Udp(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress, 5000, 53));
        net.EastHost.Send(Traffic.Udp(TunnelThroughNat.EastHostAddress, TunnelThroughNat.WestHostAddress, 53, 5000));
        Assert.Equal(4, net.EastHost.Inbox.Count);
        Assert.Single(net.WestHost.Inbox);
        Assert.Single(net.EastKeyManager.Changes);

        // A second change is a second report.
        net.Nat.Rebind();
        net.WestHost.Send(Traffic.Udp(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress, 5000, 53));
        Assert.Equal(2, net.EastKeyManager.Changes.Count);
        Assert.Equal(new UdpEndpoint(TunnelThroughNat.NatPublic, newPort), net.EastKeyManager.Changes[1].Previous);
    }

    [Fact]
    public void Following_port_changes_the_sas_move_to_the_new_port_at_once_and_the_change_is_still_reported_once()
    {
        var net = new TunnelThroughNat(natTraversal: new NatTraversalOptions { FollowPortChanges = true });
        ushort oldPort = net.WestPublicPort;
        net.Nat.Rebind();

        for (int i = 0; i < 3; i++)
        {
            net.WestHost.Send(Traffic.Udp(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress, 5000, 53, 100 + i));
        }

        ushort newPort = net.Nat.PublicPortOf(TunnelThroughNat.WestOuter, 4500, IpProtocol.Udp)!.Value;
        net.EastHost.Send(Traffic.Udp(TunnelThroughNat.EastHostAddress, TunnelThroughNat.WestHostAddress, 53, 5000));

        Assert.Equal(3, net.EastHost.Inbox.Count);
        Assert.Single(net.WestHost.Inbox); // east answered to the new port without any key manager
        Assert.Equal(0, net.Nat.Dropped);
        NatMappingChange change = Assert.Single(net.EastKeyManager.Changes);
        Assert.Equal((oldPort, newPort), (change.Previous.Port, change.Current.Port));
        Assert.Equal(newPort, Sa(net.EastGateway, TunnelThroughNat.EastOuter, TunnelThroughNat.WestToEastSpi).NatTraversal!.SourcePort);
        NatTraversalEncapsulation outbound = Sa(net.EastGateway, TunnelThroughNat.NatPublic, TunnelThroughNat.EastToWestSpi).NatTraversal!;
        Assert.Equal((TunnelThroughNat.IkePort, newPort), (outbound.SourcePort, outbound.DestinationPort));
        var shown = new StringWriter();
        Netipsec.Diagnostics.StateFormatter.Write(shown, Sa(net.EastGateway, TunnelThroughNat.NatPublic, TunnelThroughNat.EastToWestSpi));
        Assert.Contains($"\tencap type espinudp sport 4500 dport {newPort} addr 0.0.0.0\n", shown.ToString().ReplaceLineEndings("\n"), StringComparison.Ordinal);

        Assert.Equal(oldPort, Sa(net.EastGateway, TunnelThroughNat.NatPublic, TunnelThroughNat.EastToWestSpi).KeyedNatTraversal!.DestinationPort); // as installed

        // The west SAs saw no NAT: nothing of theirs moved.
        Assert.Equal(TunnelThroughNat.IkePort, Sa(net.WestGateway, TunnelThroughNat.EastOuter, TunnelThroughNat.WestToEastSpi).NatTraversal!.DestinationPort);
    }

    [Fact]
    public void Following_port_changes_a_new_address_is_reported_but_not_followed()
    {
        var net = new TunnelThroughNat(natTraversal: new NatTraversalOptions { FollowPortChanges = true });
        SecurityAssociation eastIn = Sa(net.EastGateway, TunnelThroughNat.EastOuter, TunnelThroughNat.WestToEastSpi);
        var moved = new UdpEndpoint(IpAddress.Parse("192.0.2.77"), 1234);

        net.EastGateway.Engine.NatTraversal.CheckMapping(eastIn, moved);

        Assert.Equal(moved, Assert.Single(net.EastKeyManager.Changes).Current);
        Assert.Equal(net.WestPublicPort, eastIn.NatTraversal!.SourcePort);
        Assert.Equal(net.WestPublicPort, Sa(net.EastGateway, TunnelThroughNat.NatPublic, TunnelThroughNat.EastToWestSpi).NatTraversal!.DestinationPort);
    }

    private static SecurityAssociation Sa(SimulatedHost gateway, IpAddress destination, uint spi)
    {
        Assert.Equal(SadStatus.Ok, gateway.Engine.States.Get(new SaId(destination, spi, IpsecProtocol.Esp), out SecurityAssociation? sa));
        return sa!;
    }

    [Fact]
    public void A_forged_packet_from_a_new_port_that_fails_authentication_reports_no_mapping_change()
    {
        var net = new TunnelThroughNat();
        int wireBefore = net.Network.Wire.Count;
        net.WestHost.Send(Traffic.Udp(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress, 5000, 53));
        byte[] forged = net.Network.Wire[wireBefore + 2]; // host -> gateway, gateway -> NAT, NAT -> east
        BinaryPrimitives.WriteUInt16BigEndian(forged.AsSpan(Ipv4Header.MinLength), 12345); // from another port ...
        BinaryPrimitives.WriteUInt32BigEndian(forged.AsSpan(Ipv4Header.MinLength + 8 + 4), 100); // ... with a fresh sequence number the ICV no longer matches
        var east = new SimulatedHostCounters(net.EastGateway);

        Assert.Equal(XfrmVerdict.Dropped, net.EastGateway.InjectFromWire(forged));

        Assert.Empty(net.EastKeyManager.Changes);
        Assert.Equal(DropReason.InStateProtoError, Assert.Single(east.Changes()).Key);
    }

    // ESP with AES-GCM-16 in an IPv4 tunnel fits 1446 bytes in 1500 (see PathMtuTests); the UDP header takes 8 of them.
    [Fact]
    public void Path_mtu_counts_the_udp_header_so_the_largest_packet_reported_fills_the_link_exactly()
    {
        const int Fitting = 1438;
        var net = new TunnelThroughNat();
        byte[] tooBig = Traffic.Tcp(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress, 40000, 443, Fitting + 1 - 40);

        net.WestHost.Send(tooBig);

        byte[] error = Assert.Single(net.WestHost.Inbox);
        Assert.Equal(Fitting, BinaryPrimitives.ReadUInt16BigEndian(error.AsSpan(Ipv4Header.MinLength + 6)));

        byte[] fits = Traffic.Tcp(TunnelThroughNat.WestHostAddress, TunnelThroughNat.EastHostAddress, 40000, 443, Fitting - 40);
        int wireBefore = net.Network.Wire.Count;
        net.WestHost.Send(fits);
        Assert.Equal([fits], net.EastHost.Inbox);
        Assert.Equal(1500, net.Network.Wire[wireBefore + 1].Length);
    }

    [Fact]
    public void Ipv6_esp_in_udp_carries_a_valid_udp_checksum_and_arrives_byte_for_byte()
    {
        var net = new HostToHost(IpVersion.V6, configure: false);
        HostToHost.ConfigurePolicies(net.A, net.AAddress, net.BAddress);
        HostToHost.ConfigurePolicies(net.B, net.BAddress, net.AAddress);
        foreach (SimulatedHost host in new[] { net.A, net.B })
        {
            foreach ((IpAddress source, IpAddress destination, uint spi) in new[] { (net.AAddress, net.BAddress, HostToHost.AToBSpi), (net.BAddress, net.AAddress, HostToHost.BToASpi) })
            {
                SecurityAssociation sa = HostToHost.TransportSa(source, destination, spi);
                var encapsulated = new SecurityAssociation(sa.Id, sa.Source, sa.Mode)
                {
                    ReqId = sa.ReqId,
                    Encryption = sa.Encryption,
                    ReplayWindowSize = sa.ReplayWindowSize,
                    NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 4500),
                };
                Assert.Equal(SadStatus.Ok, host.Engine.States.Add(encapsulated));
            }
        }

        MibWatch mib = net.Watch();
        byte[] udp = Traffic.Udp(net.AAddress, net.BAddress, 5000, 53, 200);
        byte[] tcp = Traffic.Tcp(net.BAddress, net.AAddress, 443, 40000, 300);

        Assert.Equal(XfrmVerdict.Passed, net.A.Send(udp));
        Assert.Equal(XfrmVerdict.Passed, net.B.Send(tcp));

        Assert.Equal([udp], net.B.Inbox);
        Assert.Equal([tcp], net.A.Inbox);
        Assert.All(net.Network.Wire, w =>
        {
            Assert.Equal(IpProtocol.Udp, NatPackets.ProtocolOf(w));
            Assert.True(InternetChecksum.VerifyTransportChecksum(new Ipv6Header(w).Source, new Ipv6Header(w).Destination, IpProtocol.Udp, NatPackets.UdpOf(w)));
            Assert.NotEqual(0, BinaryPrimitives.ReadUInt16BigEndian(NatPackets.UdpOf(w)[6..]));
        });
        mib.AssertNone();
    }

    /// <summary>UDP from or to port 4500: the tunnel, not the UDP traffic it carries (ports 5000 and 53).</summary>
    private static bool IsNatTraversal(byte[] packet) =>
        NatPackets.ProtocolOf(packet) == IpProtocol.Udp
        && (BinaryPrimitives.ReadUInt16BigEndian(NatPackets.UdpOf(packet)) == 4500 || BinaryPrimitives.ReadUInt16BigEndian(NatPackets.UdpOf(packet)[2..]) == 4500);

    private static void UpdatePort(SimulatedHost host, IpAddress destination, uint spi, ushort port, bool isSource)
    {
        SecurityAssociation sa = SiteToSite.StateOf(host, destination, spi);
        NatTraversalEncapsulation encapsulation = sa.NatTraversal!;
        var update = new SecurityAssociation(sa.Id, sa.Source, sa.Mode)
        {
            ReqId = sa.ReqId,
            Encryption = new SaAlgorithm(SiteToSite.AesGcm16, SiteToSite.KeyFor(spi)),
            ReplayWindowSize = sa.ReplayWindowSize,
            InnerSelector = sa.InnerSelector,
            NatTraversal = isSource ? encapsulation with { SourcePort = port } : encapsulation with { DestinationPort = port },
        };
        Assert.Equal(SadStatus.Ok, host.Engine.States.Update(update, out _));
    }
}

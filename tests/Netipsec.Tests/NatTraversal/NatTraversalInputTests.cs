using System.Buffers.Binary;
using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;

namespace Netipsec.Tests.NatTraversal;

/// <summary>The Rx path's NAT-T branches, each drop in exactly one counter (HostToHost in transport mode, no NAT in between).</summary>
public sealed class NatTraversalInputTests
{
    [Fact]
    public void Esp_in_udp_for_an_sa_without_encapsulation_is_a_state_mismatch()
    {
        var net = new HostToHost();
        net.A.Send(Traffic.Udp(net.AAddress, net.BAddress, 5000, 53));
        byte[] esp = Assert.Single(net.Network.Wire);
        byte[] inUdp = NatPackets.Udp(net.AAddress, 4500, net.BAddress, 4500, esp.AsSpan(Ipv4Header.MinLength));
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, net.B.InjectFromWire(inUdp));

        mib.AssertOnly(net.B, DropReason.InStateMismatch);
        Assert.Equal(1, SiteToSite.StateOf(net.B, net.BAddress, HostToHost.AToBSpi).Statistics[SaCounter.EncapsulationMismatches]);
    }

    [Fact]
    public void Plain_esp_for_an_sa_with_encapsulation_is_a_state_mismatch()
    {
        var net = Encapsulated();
        net.A.Send(Traffic.Udp(net.AAddress, net.BAddress, 5000, 53));
        byte[] inUdp = net.Network.Wire[^1];
        byte[] plain = [.. inUdp.AsSpan(0, Ipv4Header.MinLength), .. inUdp.AsSpan(Ipv4Header.MinLength + 8)];
        var header = new Ipv4Header(plain) { Protocol = IpProtocol.Esp, TotalLength = (ushort)plain.Length };
        header.UpdateChecksum();
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, net.B.InjectFromWire(plain));

        mib.AssertOnly(net.B, DropReason.InStateMismatch);
        Assert.Equal(1, SiteToSite.StateOf(net.B, net.BAddress, HostToHost.AToBSpi).Statistics[SaCounter.EncapsulationMismatches]);
    }

    [Fact]
    public void A_udp_length_that_does_not_fit_is_a_header_error()
    {
        var net = Encapsulated();
        byte[] packet = NatPackets.Keepalive(net.AAddress, 4500, net.BAddress, 4500);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(Ipv4Header.MinLength + 4), 200);
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, net.B.InjectFromWire(packet));

        mib.AssertOnly(net.B, DropReason.InHdrError);
    }

    [Fact]
    public void A_keepalive_is_dropped_without_touching_the_mib()
    {
        var net = Encapsulated();
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Keepalive, net.B.InjectFromWire(NatPackets.Keepalive(net.AAddress, 4500, net.BAddress, 4500)));

        Assert.Equal(1, net.B.Engine.NatTraversal.Statistics[NatTraversalCounter.KeepalivesReceived]);
        Assert.Empty(net.B.Inbox);
        Assert.Equal(0, net.B.Pool.RentedCount);
        mib.AssertNone();
    }

    [Fact]
    public void Udp_to_port_4500_of_another_host_passes_through_a_gateway_untouched()
    {
        var net = Encapsulated();
        IpAddress elsewhere = IpAddress.Parse("203.0.113.50");

        net.B.InjectFromWire(NatPackets.Keepalive(net.AAddress, 4500, elsewhere, 4500));

        Assert.Equal(0, net.B.Engine.NatTraversal.Statistics[NatTraversalCounter.KeepalivesReceived]);
        Assert.Equal(1, net.Network.Unroutable); // forwarded towards its destination, which nobody owns here
    }

    [Fact]
    public void An_ike_packet_is_handed_over_with_its_marks_and_endpoints()
    {
        var net = Encapsulated();
        var ike = new IkeRecorder();
        net.B.Engine.NatTraversal.IkeHandler = ike;
        byte[] packet = NatPackets.Ike(net.AAddress, 4500, net.BAddress, 4500, ikeLength: 10);

        Assert.Equal(XfrmVerdict.HandedToIke, net.B.InjectFromWire(packet));

        (UdpEndpoint source, UdpEndpoint destination, byte[] payload) = Assert.Single(ike.Packets);
        Assert.Equal((new UdpEndpoint(net.AAddress, 4500), new UdpEndpoint(net.BAddress, 4500)), (source, destination));
        Assert.Equal(packet.AsSpan(Ipv4Header.MinLength + 8).ToArray(), payload);
    }

    /// <summary>HostToHost with both SAs UDP-encapsulated on port 4500 at both ends.</summary>
    internal static HostToHost Encapsulated()
    {
        var net = new HostToHost(configure: false);
        HostToHost.ConfigurePolicies(net.A, net.AAddress, net.BAddress);
        HostToHost.ConfigurePolicies(net.B, net.BAddress, net.AAddress);
        foreach (SimulatedHost host in new[] { net.A, net.B })
        {
            foreach ((IpAddress source, IpAddress destination, uint spi) in new[] { (net.AAddress, net.BAddress, HostToHost.AToBSpi), (net.BAddress, net.AAddress, HostToHost.BToASpi) })
            {
                SecurityAssociation sa = HostToHost.TransportSa(source, destination, spi);
                Assert.Equal(SadStatus.Ok, host.Engine.States.Add(new SecurityAssociation(sa.Id, sa.Source, sa.Mode)
                {
                    ReqId = sa.ReqId,
                    Encryption = sa.Encryption,
                    ReplayWindowSize = sa.ReplayWindowSize,
                    NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 4500),
                }));
            }
        }

        return net;
    }
}

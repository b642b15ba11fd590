using System.Buffers.Binary;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.Policies;

namespace Netipsec.Tests.Simulation;

/// <summary>Host-to-host ESP in transport mode: the packets arrive exactly as sent, and the wire carries ESP in the right place.</summary>
public sealed class TransportModeTests
{
    [Theory]
    [InlineData(IpVersion.V4)]
    [InlineData(IpVersion.V6)]
    public void Tcp_udp_and_icmp_cross_both_ways_byte_for_byte(IpVersion version)
    {
        var net = new HostToHost(version);
        MibWatch mib = net.Watch();
        byte[][] toB =
        [
            Traffic.Ping(net.AAddress, net.BAddress, sequence: 7),
            Traffic.Udp(net.AAddress, net.BAddress, 5000, 53, 200),
            Traffic.Tcp(net.AAddress, net.BAddress, 40000, 443, 1000),
        ];
        byte[][] toA =
        [
            Traffic.Ping(net.BAddress, net.AAddress, sequence: 7, reply: true),
            Traffic.Udp(net.BAddress, net.AAddress, 53, 5000, 300),
            Traffic.Tcp(net.BAddress, net.AAddress, 443, 40000, 1200),
        ];

        foreach (byte[] packet in toB)
        {
            Assert.Equal(XfrmVerdict.Passed, net.A.Send(packet));
        }

        foreach (byte[] packet in toA)
        {
            Assert.Equal(XfrmVerdict.Passed, net.B.Send(packet));
        }

        Assert.Equal(toB, net.B.Inbox);
        Assert.Equal(toA, net.A.Inbox);
        Assert.All(net.Network.Wire, w => Assert.True(FlowExtractor.TryExtract(w, 0, out Flow flow, out _) && flow.Protocol == IpProtocol.Esp));
        Assert.Equal(3ul, SiteToSite.StateOf(net.B, net.BAddress, HostToHost.AToBSpi).ReplayWindow!.Highest);
        Assert.Equal(3ul, SiteToSite.StateOf(net.A, net.AAddress, HostToHost.BToASpi).ReplayWindow!.Highest);
        mib.AssertNone();
    }

    [Fact]
    public void Ipv4_keeps_its_header_and_carries_esp_right_behind_it()
    {
        var net = new HostToHost(IpVersion.V4);
        byte[] udp = Traffic.Udp(net.AAddress, net.BAddress, 5000, 53, 100);
        net.A.Send(udp);

        byte[] wire = Assert.Single(net.Network.Wire);
        Assert.Equal((byte)IpProtocol.Esp, wire[9]);
        Assert.Equal(udp.AsSpan(12, 8).ToArray(), wire.AsSpan(12, 8).ToArray()); // the same addresses: no new header
        Assert.Equal(HostToHost.AToBSpi, BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(Ipv4Header.MinLength)));
        Assert.Equal([udp], net.B.Inbox);
    }

    [Fact]
    public void Ipv6_esp_goes_after_the_hop_by_hop_header_and_before_the_destination_options_both_ways()
    {
        const int HopByHop = Ipv6Header.Length;
        var net = new HostToHost(IpVersion.V6);
        MibWatch mib = net.Watch();
        byte[] toB = SimPackets.UdpBehindIpv6Options(net.AAddress, net.BAddress, 5000, 53, 100);
        byte[] toA = SimPackets.UdpBehindIpv6Options(net.BAddress, net.AAddress, 53, 5000, 150);

        Assert.Equal(XfrmVerdict.Passed, net.A.Send(toB));
        Assert.Equal(XfrmVerdict.Passed, net.B.Send(toA));

        Assert.Equal([toB], net.B.Inbox);
        Assert.Equal([toA], net.A.Inbox);
        foreach ((byte[] wire, byte[] plain, uint spi) in new[] { (net.Network.Wire[0], toB, HostToHost.AToBSpi), (net.Network.Wire[1], toA, HostToHost.BToASpi) })
        {
            Assert.Equal((byte)IpProtocol.HopByHopOptions, wire[6]);
            Assert.Equal(plain.AsSpan(HopByHop + 1, 7).ToArray(), wire.AsSpan(HopByHop + 1, 7).ToArray()); // the options travel in clear
            Assert.Equal((byte)IpProtocol.Esp, wire[HopByHop]); // hop-by-hop now names ESP ...
            Assert.Equal(spi, BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(HopByHop + 8))); // ... which follows it
            Assert.DoesNotContain(Convert.ToHexString(plain.AsSpan(HopByHop + 8, 16)), Convert.ToHexString(wire), StringComparison.Ordinal); // destination options encrypted
            Assert.Equal(wire.Length - Ipv6Header.Length, new Ipv6Header(wire).PayloadLength);
        }

        mib.AssertNone();
    }

    [Fact]
    public void A_packet_sent_in_clear_is_refused_by_the_receivers_in_policy()
    {
        var net = new HostToHost(IpVersion.V4);
        Assert.Equal(SpdStatus.Ok, net.A.Engine.Policies.Delete(PolicyDirection.Out, new Selector(IpPrefix.Host(net.AAddress), IpPrefix.Host(net.BAddress)), out _));
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Bypassed, net.A.Send(Traffic.Udp(net.AAddress, net.BAddress, 5000, 53)));

        // B's in policy requires the transport SA, which the clear packet lacks.
        Assert.Empty(net.B.Inbox);
        mib.AssertOnly(net.B, DropReason.InTmplMismatch);
    }
}

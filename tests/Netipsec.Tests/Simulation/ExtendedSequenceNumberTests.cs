using System.Buffers.Binary;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.Simulation;

/// <summary>ESN SAs (RFC 4303 §2.2.1) carrying traffic across the 2^32 boundary of the sequence number space.</summary>
public sealed class ExtendedSequenceNumberTests
{
    [Fact]
    public void Traffic_keeps_flowing_across_2_to_the_32_and_the_receiver_follows_into_the_next_subspace()
    {
        const ulong Start = uint.MaxValue - 2; // the last number already used: the first packet carries 2^32 - 2
        var net = new SiteToSite();
        var selector = new Selector(net.WestSite, net.EastSite);
        SiteToSite.ReplaceState(net.WestGateway, SiteToSite.TunnelSa(
            net.WestGatewayOuter, net.EastGatewayOuter, SiteToSite.WestToEastSpi, selector, esn: true, initialSequence: Start));
        // The receiver's window cannot be restored to where the sender is (the SAD has no replay-state input), and a fresh
        // anti-replay window places numbers just below 2^32 before 0 (RFC 4303 A2.2 case B): it runs without anti-replay,
        // which still infers the high half from Highest.
        SiteToSite.ReplaceState(net.EastGateway, SiteToSite.TunnelSa(
            net.WestGatewayOuter, net.EastGatewayOuter, SiteToSite.WestToEastSpi, selector, replayWindow: 0, esn: true));
        MibWatch mib = net.Watch();

        byte[][] sent = [.. Enumerable.Range(1, 6).Select(i => Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, (ushort)(1000 + i), 64))];
        foreach (byte[] packet in sent)
        {
            net.WestHost.Send(packet);
        }

        Assert.Equal(sent, net.EastHost.Inbox);
        uint[] lowHalves = [.. net.Network.Wire.Where(IsEsp).Select(w => BinaryPrimitives.ReadUInt32BigEndian(w.AsSpan(Ipv4Header.MinLength + 4)))];
        Assert.Equal([uint.MaxValue - 1, uint.MaxValue, 0u, 1u, 2u, 3u], lowHalves);
        ulong last = (1ul << 32) + 3;
        Assert.Equal(last, SiteToSite.StateOf(net.WestGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi).SequenceCounter!.Current);
        Assert.Equal(last, SiteToSite.StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi).ReplayWindow!.Highest);
        mib.AssertNone();
    }

    [Fact]
    public void An_esn_sa_with_anti_replay_counts_a_replayed_packet_as_InStateSeqError()
    {
        var net = new SiteToSite();
        var selector = new Selector(net.WestSite, net.EastSite);
        SiteToSite.ReplaceState(net.WestGateway, SiteToSite.TunnelSa(
            net.WestGatewayOuter, net.EastGatewayOuter, SiteToSite.WestToEastSpi, selector, esn: true));
        SiteToSite.ReplaceState(net.EastGateway, SiteToSite.TunnelSa(
            net.WestGatewayOuter, net.EastGatewayOuter, SiteToSite.WestToEastSpi, selector, esn: true));
        net.WestHost.Send(Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 64));
        MibWatch mib = net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, WireTap.Inject(net.EastGateway, net.Network.Wire[1]));

        Assert.Single(net.EastHost.Inbox);
        Assert.Equal(1, SiteToSite.StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi).Statistics[SaCounter.Replay]);
        mib.AssertOnly(net.EastGateway, DropReason.InStateSeqError);
    }

    private static bool IsEsp(byte[] wire) => FlowExtractor.TryExtract(wire, 0, out Flow flow, out _) && flow.Protocol == IpProtocol.Esp;
}

using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;

namespace Netipsec.Tests.Engine;

/// <summary>
/// Reassembly of outer fragments in front of IPsec input, end to end: the gateways' links have an MTU of 600, so a
/// 1400-byte IPv4 packet without DF leaves gateway west as fragments of its ESP packet (IPv4 or IPv6 outer).
/// </summary>
public sealed class XfrmInputTests
{
    private static readonly XfrmOutputOptions SmallLink = new() { LinkMtu = 600 };

    public static TheoryData<IpVersion> Outers => new() { IpVersion.V4, IpVersion.V6 };

    [Theory]
    [MemberData(nameof(Outers))]
    public void A_packet_fragmented_after_encapsulation_is_reassembled_and_arrives_byte_for_byte(IpVersion outer)
    {
        var net = new SiteToSite(IpVersion.V4, outer, SmallLink);
        var westCounters = new SimulatedHostCounters(net.WestGateway);
        var eastCounters = new SimulatedHostCounters(net.EastGateway);
        byte[] request = Request(net);
        Assert.Equal(1400, request.Length);

        Assert.Equal(XfrmVerdict.Bypassed, net.WestHost.Send(request));

        byte[][] fragments = OuterFragments(net);
        Assert.Equal(3, fragments.Length);
        Assert.All(fragments, fragment => Assert.True(fragment.Length <= 600 && IsFragment(fragment)));
        Assert.Equal([request], net.EastHost.Inbox);
        SecurityAssociation eastIn = SiteToSite.StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi);
        Assert.Equal((1ul, 1ul), (eastIn.ReplayWindow!.Highest, eastIn.Current.Packets));
        Assert.Equal((0L, 0L), (westCounters.Total, eastCounters.Total));
        Assert.Equal((0, 0L), (net.EastGateway.Input.ReassemblingDatagrams, net.EastGateway.Input.ReassemblyFailures));
        Assert.All(new[] { net.WestHost, net.WestGateway, net.EastGateway, net.EastHost }, host => Assert.Equal(0, host.Pool.RentedCount));
    }

    [Theory]
    [MemberData(nameof(Outers))]
    public void Fragments_are_answered_reassembling_until_the_one_that_completes_the_datagram(IpVersion outer)
    {
        byte[][] fragments = RecordFragments(outer, out byte[] request);
        var net = new SiteToSite(IpVersion.V4, outer, SmallLink);
        var counters = new SimulatedHostCounters(net.EastGateway);

        XfrmVerdict[] verdicts = [.. fragments.Reverse().Select(fragment => Feed(net.EastGateway, fragment))];

        Assert.Equal([XfrmVerdict.Reassembling, XfrmVerdict.Reassembling, XfrmVerdict.Passed], verdicts);
        Assert.Equal([request], net.EastHost.Inbox);
        Assert.Equal(0L, counters.Total);
    }

    [Fact]
    public void A_duplicate_fragment_is_absorbed_and_the_datagram_arrives_once()
    {
        byte[][] fragments = RecordFragments(IpVersion.V4, out byte[] request);
        var net = new SiteToSite(IpVersion.V4, IpVersion.V4, SmallLink);
        var counters = new SimulatedHostCounters(net.EastGateway);

        Assert.Equal(XfrmVerdict.Reassembling, Feed(net.EastGateway, fragments[1]));
        Assert.Equal(XfrmVerdict.Reassembling, Feed(net.EastGateway, fragments[1]));
        Assert.Equal(XfrmVerdict.Reassembling, Feed(net.EastGateway, fragments[0]));
        Assert.Equal(XfrmVerdict.Passed, Feed(net.EastGateway, fragments[2]));

        Assert.Equal([request], net.EastHost.Inbox);
        Assert.Equal((0L, 0L), (counters.Total, net.EastGateway.Input.ReassemblyFailures));
    }

    [Theory]
    [MemberData(nameof(Outers))]
    public void An_overlapping_fragment_drops_the_datagram_as_a_header_error(IpVersion outer)
    {
        byte[][] fragments = RecordFragments(outer, out _);
        var net = new SiteToSite(IpVersion.V4, outer, SmallLink);
        var counters = new SimulatedHostCounters(net.EastGateway);
        byte[] rewritten = (byte[])fragments[0].Clone();
        rewritten[^1] ^= 0xFF;

        Assert.Equal(XfrmVerdict.Reassembling, Feed(net.EastGateway, fragments[0]));
        Assert.Equal(XfrmVerdict.Dropped, Feed(net.EastGateway, rewritten));

        Assert.Equal(new Dictionary<DropReason, long> { [DropReason.InHdrError] = 1 }, counters.Changes());
        Assert.Equal((1L, 0), (net.EastGateway.Input.ReassemblyFailures, net.EastGateway.Input.ReassemblingDatagrams));
        Assert.Equal(XfrmVerdict.Reassembling, Feed(net.EastGateway, fragments[1])); // the rest starts over, in vain
        Assert.Equal(XfrmVerdict.Reassembling, Feed(net.EastGateway, fragments[2]));
        Assert.Empty(net.EastHost.Inbox);
    }

    [Theory]
    [InlineData(IpVersion.V4, 30)]
    [InlineData(IpVersion.V6, 60)]
    public void RunTimers_purges_datagrams_whose_fragments_stopped_coming(IpVersion outer, int timeoutSeconds)
    {
        byte[][] fragments = RecordFragments(outer, out _);
        var net = new SiteToSite(IpVersion.V4, outer, SmallLink);
        var counters = new SimulatedHostCounters(net.EastGateway);
        Assert.Equal(XfrmVerdict.Reassembling, Feed(net.EastGateway, fragments[0]));
        Assert.Equal(XfrmVerdict.Reassembling, Feed(net.EastGateway, fragments[2]));

        net.Clock.Advance(TimeSpan.FromSeconds(timeoutSeconds - 1));
        net.EastGateway.Input.RunTimers();
        Assert.Equal((1, 0L), (net.EastGateway.Input.ReassemblingDatagrams, net.EastGateway.Input.ReassemblyTimeouts));

        net.Clock.Advance(TimeSpan.FromSeconds(1));
        net.EastGateway.Input.RunTimers();

        Assert.Equal((0, 1L, 0L), (net.EastGateway.Input.ReassemblingDatagrams, net.EastGateway.Input.ReassemblyTimeouts, counters.Total));
        Assert.Equal(0, net.EastGateway.Pool.RentedCount);
        Assert.Equal(0, net.WestGateway.Pool.RentedCount);
    }

    [Fact]
    public void Reassembly_options_reach_the_reassembler()
    {
        byte[][] first = RecordFragments(IpVersion.V4, out _);
        byte[][] second = RecordFragments(IpVersion.V4, out _);
        var net = new SiteToSite(IpVersion.V4, IpVersion.V4, SmallLink);
        var input = new XfrmInput(net.EastGateway.Engine, net.EastGateway, reassembly: new ReassemblyOptions { MaxDatagrams = 1 });
        var counters = new SimulatedHostCounters(net.EastGateway);

        Assert.Equal(XfrmVerdict.Reassembling, input.Input(Load(net.EastGateway, first[0])));
        Assert.Equal(XfrmVerdict.Dropped, input.Input(Load(net.EastGateway, second[0])));

        Assert.Equal(new Dictionary<DropReason, long> { [DropReason.InHdrError] = 1 }, counters.Changes());
        Assert.Equal(1L, input.ReassemblyFailures);
    }

    [Fact]
    public void A_fragment_that_comes_out_of_a_tunnel_is_not_reassembled()
    {
        var net = new SiteToSite();
        var counters = new SimulatedHostCounters(net.EastGateway);
        byte[] innerFragment = new byte[Ipv4Header.MinLength + 16]; // the first piece of an ESP packet between the hosts
        new Ipv4Header(innerFragment)
        {
            Version = 4,
            HeaderLength = Ipv4Header.MinLength,
            TotalLength = (ushort)innerFragment.Length,
            Identification = 7,
            MoreFragments = true,
            TimeToLive = 64,
            Protocol = IpProtocol.Esp,
            Source = net.WestHostAddress,
            Destination = net.EastHostAddress,
        }.UpdateChecksum();

        // Sent by the gateway itself: a host's would be taken for an outer fragment by the gateway's own input.
        Assert.Equal(XfrmVerdict.Passed, net.WestGateway.Send(innerFragment));

        Assert.Equal(new Dictionary<DropReason, long> { [DropReason.InHdrError] = 1 }, counters.Changes());
        Assert.Equal((0, 0L), (net.EastGateway.Input.ReassemblingDatagrams, net.EastGateway.Input.ReassemblyFailures));
        Assert.Empty(net.EastHost.Inbox);
    }

    private static byte[] Request(SiteToSite net) =>
        Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, payloadLength: 1372);

    /// <summary>Sends the request across a tunnel of its own and returns what gateway west put on the wire.</summary>
    private static byte[][] RecordFragments(IpVersion outer, out byte[] request)
    {
        var recorder = new SiteToSite(IpVersion.V4, outer, SmallLink);
        request = Request(recorder);
        recorder.WestHost.Send(request);
        return OuterFragments(recorder);
    }

    /// <summary>The packets gateway west sent to gateway east, in order.</summary>
    private static byte[][] OuterFragments(SiteToSite net) =>
        [.. net.Network.Wire.Where(bytes => FlowExtractor.TryExtract(bytes, 0, out Flow flow, out _) && flow.Source == net.WestGatewayOuter)];

    private static bool IsFragment(byte[] packet) => packet[0] >> 4 == 4
        ? new Ipv4Header(packet).IsFragment
        : Ipv6ExtensionWalker.TryWalk(packet, out Ipv6ExtensionChain chain, out _) && chain.HasFragmentHeader;

    private static XfrmVerdict Feed(SimulatedHost gateway, byte[] bytes) => gateway.Input.Input(Load(gateway, bytes));

    private static Packet Load(SimulatedHost host, byte[] bytes)
    {
        Packet packet = host.Pool.Rent();
        bytes.CopyTo(packet.Put(bytes.Length));
        return packet;
    }
}

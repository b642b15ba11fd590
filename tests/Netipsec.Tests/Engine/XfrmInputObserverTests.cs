using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;
using Netipsec.Transforms;

namespace Netipsec.Tests.Engine;

/// <summary>
/// An Rx path built without the inbound policy check (an observer such as a capture decryptor): it removes IPsec with
/// the SAs it has and delivers what they recover, where a host's Rx path refuses a tunnel no policy asked for.
/// </summary>
public sealed class XfrmInputObserverTests
{
    [Fact]
    public void Without_the_policy_check_a_tunnelled_packet_is_delivered_where_a_host_finds_no_policy()
    {
        var net = new SiteToSite();
        byte[] inner = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 80);
        byte[] wire = new WireTap(net.WestGateway).Protect(inner);
        // Two engines with the same SA and no policy: the window of one is not moved by the other's packet.
        XfrmEngine hostEngine = EngineWith(net.WestToEast(), net);
        XfrmEngine observerEngine = EngineWith(net.WestToEast(), net);
        var host = new SecPathRecorder();
        var observer = new SecPathRecorder();

        Assert.Equal(XfrmVerdict.Dropped, new XfrmInput(hostEngine, host).Input(Copy(wire)));
        Assert.Equal(XfrmVerdict.Passed, new XfrmInput(observerEngine, observer, checkPolicy: false).Input(Copy(wire)));

        Assert.Empty(host.Delivered);
        Assert.Equal(1, hostEngine.Statistics[DropReason.InNoPols]);
        (byte[] delivered, uint[] secPath) = Assert.Single(observer.Delivered);
        Assert.Equal(inner, delivered);
        Assert.Equal([SiteToSite.WestToEastSpi], secPath);
    }

    [Fact]
    public void Without_the_policy_check_a_block_policy_does_not_stop_a_plain_packet()
    {
        var engine = new XfrmEngine(Tests.States.SadTestData.NewClock(), XfrmTypeRegistry.CreateDefault());
        Assert.Equal(SpdStatus.Ok, engine.Policies.Add(new SecurityPolicy(
            PolicyDirection.In, new Selector(IpPrefix.Parse("0.0.0.0/0"), IpPrefix.Parse("0.0.0.0/0")), PolicyAction.Block, [])));
        byte[] udp = Traffic.Udp(IpAddress.Parse("192.0.2.1"), IpAddress.Parse("192.0.2.2"), 1, 2, 8);
        var observer = new SecPathRecorder();

        Assert.Equal(XfrmVerdict.Passed, new XfrmInput(engine, observer, checkPolicy: false).Input(Copy(udp)));

        Assert.Equal(udp, Assert.Single(observer.Delivered).Packet);
    }

    private static XfrmEngine EngineWith(SecurityAssociation sa, SiteToSite net)
    {
        var engine = new XfrmEngine(net.Clock, XfrmTypeRegistry.CreateDefault());
        Assert.Equal(SadStatus.Ok, engine.States.Add(sa));
        return engine;
    }

    private static Packet Copy(byte[] bytes)
    {
        Packet packet = new PacketPool(2).Rent();
        bytes.CopyTo(packet.Put(bytes.Length));
        return packet;
    }
}

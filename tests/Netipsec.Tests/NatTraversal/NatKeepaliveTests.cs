using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.States;
using Netipsec.Transforms;

namespace Netipsec.Tests.NatTraversal;

/// <summary>Which NAT keepalives are due (RFC 3948 §2.3, §4): per outbound UDP-encapsulated SA, every interval.</summary>
public sealed class NatKeepaliveTests
{
    private static readonly IpAddress Local = SadTestData.Local;
    private static readonly IpAddress Peer = SadTestData.Peer;
    private static readonly TimeSpan Interval = NatTraversalOptions.DefaultKeepaliveInterval;

    [Fact]
    public void Only_outbound_sas_keep_the_mapping_alive_by_address_or_by_flag()
    {
        (XfrmEngine engine, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock) = NewEngine();
        Add(engine, Sa(Local, Peer, 0x1, 4500, 4500));                                   // outbound by address
        Add(engine, Sa(Peer, Local, 0x2, 4500, 4500));                                   // inbound by address
        Add(engine, Sa(Peer, Local, 0x3, 4600, 4600, SaFlags.Outbound));                 // flagged outbound
        Add(engine, Sa(Local, Peer, 0x4, 4700, 4700, SaFlags.Inbound));                  // flagged inbound
        clock.Advance(Interval);

        List<byte[]> sent = Sweep(engine);

        Assert.Equal(2, sent.Count);
        Assert.Contains(sent, p => Udp(p) == (Local, 4500, Peer, 4500));
        Assert.Contains(sent, p => Udp(p) == (Peer, 4600, Local, 4600));
        Assert.Equal(2, engine.NatTraversal.Statistics[NatTraversalCounter.KeepalivesSent]);
    }

    [Fact]
    public void A_rekeyed_pair_with_the_same_endpoints_sends_one_keepalive_and_another_port_its_own()
    {
        (XfrmEngine engine, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock) = NewEngine();
        Add(engine, Sa(Local, Peer, 0x1, 4500, 4500));
        Add(engine, Sa(Local, Peer, 0x2, 4500, 4500));
        Add(engine, Sa(Local, Peer, 0x3, 4500, 61000));
        clock.Advance(Interval);

        Assert.Equal(2, Sweep(engine).Count);
        Assert.Empty(Sweep(engine)); // each SA's next one is an interval away, the shared one included
        clock.Advance(Interval);
        Assert.Equal(2, Sweep(engine).Count);
    }

    [Fact]
    public void A_deleted_sa_sends_no_more_keepalives()
    {
        (XfrmEngine engine, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock) = NewEngine();
        SecurityAssociation sa = Sa(Local, Peer, 0x1, 4500, 4500);
        Add(engine, sa);
        Assert.Equal(SadStatus.Ok, engine.States.Delete(sa.Id));
        clock.Advance(Interval);

        Assert.Empty(Sweep(engine));
    }

    [Fact]
    public void An_empty_pool_postpones_the_keepalive_to_the_next_sweep()
    {
        (XfrmEngine engine, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock) = NewEngine();
        Add(engine, Sa(Local, Peer, 0x1, 4500, 4500));
        clock.Advance(Interval);
        var pool = new PacketPool(1);
        Packet held = pool.Rent();
        var sink = new CollectingSink();

        Assert.Equal(0, engine.NatTraversal.SendDueKeepalives(pool, Local.Equals, sink));
        pool.Return(held);
        Assert.Equal(1, engine.NatTraversal.SendDueKeepalives(pool, Local.Equals, sink));
    }

    [Fact]
    public void An_ipv6_keepalive_carries_a_valid_udp_checksum()
    {
        IpAddress local = IpAddress.Parse("2001:db8::1");
        IpAddress peer = IpAddress.Parse("2001:db8::7");
        (XfrmEngine engine, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock) = NewEngine();
        Add(engine, Sa(local, peer, 0x1, 4500, 4500));
        clock.Advance(Interval);
        var sink = new CollectingSink();

        Assert.Equal(1, engine.NatTraversal.SendDueKeepalives(new PacketPool(2), local.Equals, sink));

        byte[] packet = Assert.Single(sink.Packets);
        Assert.Equal(49, packet.Length);
        Assert.True(InternetChecksum.VerifyTransportChecksum(local, peer, IpProtocol.Udp, packet.AsSpan(Ipv6Header.Length)));
        Assert.Equal(0xFF, packet[^1]);
    }

    [Fact]
    public void The_interval_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new XfrmEngine(SadTestData.NewClock(), XfrmTypeRegistry.CreateDefault(), natTraversal: new NatTraversalOptions { KeepaliveInterval = TimeSpan.Zero }));
    }

    private static (XfrmEngine Engine, Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock) NewEngine()
    {
        var clock = SadTestData.NewClock();
        return (new XfrmEngine(clock, XfrmTypeRegistry.CreateDefault()), clock);
    }

    private static SecurityAssociation Sa(IpAddress source, IpAddress destination, uint spi, ushort sourcePort, ushort destinationPort, SaFlags flags = SaFlags.None) =>
        new(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Tunnel)
        {
            Encryption = new SaAlgorithm(20, Simulation.SiteToSite.KeyFor(spi)),
            Flags = flags,
            NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, sourcePort, destinationPort),
        };

    private static void Add(XfrmEngine engine, SecurityAssociation sa) => Assert.Equal(SadStatus.Ok, engine.States.Add(sa));

    private static List<byte[]> Sweep(XfrmEngine engine)
    {
        var sink = new CollectingSink();
        int count = engine.NatTraversal.SendDueKeepalives(new PacketPool(16), address => address == Local, sink);
        Assert.Equal(count, sink.Packets.Count);
        return sink.Packets;
    }

    private static (IpAddress, ushort, IpAddress, ushort) Udp(byte[] packet)
    {
        var header = new Ipv4Header(packet);
        ReadOnlySpan<byte> udp = NatPackets.UdpOf(packet);
        Assert.Equal([0, 9, 0, 0, 0xFF], udp[4..].ToArray()); // length 9, checksum 0 (IPv4), the keepalive byte
        Assert.True(header.VerifyChecksum());
        return (header.Source, (ushort)((udp[0] << 8) | udp[1]), header.Destination, (ushort)((udp[2] << 8) | udp[3]));
    }

    private sealed class CollectingSink : IXfrmOutputSink
    {
        public List<byte[]> Packets { get; } = [];

        public void Transmit(Packet packet)
        {
            Packets.Add(packet.Data.ToArray());
            packet.Pool.Return(packet);
        }

        public void ReturnToSender(Packet icmpError) => throw new InvalidOperationException("Keepalives never cause ICMP errors.");
    }
}

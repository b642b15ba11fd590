using Netipsec.Daemon.Tests.TestDoubles;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Daemon.Tests.DataPlane;

/// <summary>Two gateways joined by an in-memory wire, each with its in-memory TUN: the daemon's packet paths end to end.</summary>
public sealed class GatewayTests : IDisposable
{
    private readonly RunningGateway _west;
    private readonly RunningGateway _east;

    public GatewayTests()
    {
        (ChannelWire westWire, ChannelWire eastWire) = ChannelWire.CreatePair();
        _west = new RunningGateway(westWire, TunnelConfig.West.LocalOuter);
        _east = new RunningGateway(eastWire, TunnelConfig.East.LocalOuter);
        TunnelConfig.West.Install(_west.Engine);
        TunnelConfig.East.Install(_east.Engine);
    }

    [Fact]
    public void Packets_read_from_one_TUN_arrive_at_the_other_byte_for_byte_and_travel_as_ESP()
    {
        byte[] request = Traffic.Ping(TunnelConfig.WestHost, TunnelConfig.EastHost, 1);
        byte[] reply = Traffic.Ping(TunnelConfig.EastHost, TunnelConfig.WestHost, 1, reply: true);

        _west.Tun.Inject(request);
        Assert.True(_east.Tun.Written.WaitFor(1));
        _east.Tun.Inject(reply);
        Assert.True(_west.Tun.Written.WaitFor(1));

        Assert.Equal(request, Assert.Single(_east.Tun.Written.All));
        Assert.Equal(reply, Assert.Single(_west.Tun.Written.All));
        byte[] esp = Assert.Single(_west.Wire.Sent.All);
        Assert.Equal((byte)IpProtocol.Esp, esp[9]);
        Assert.Equal(TunnelConfig.West.RemoteOuter, IpAddress.Read(esp.AsSpan(16, 4)));
        Assert.False(esp.AsSpan().IndexOf(request.AsSpan(28, 16)) >= 0, "the inner payload must not appear in clear on the wire");
        Assert.Equal(1, _west.Statistics.TunRead);
        Assert.Equal(1, _west.Statistics.WireSent);
        Assert.Equal(1, _east.Statistics.WireReceived);
        Assert.Equal(1, _east.Statistics.TunWritten);
        Assert.All(_east.Engine.Statistics.Snapshot(), count => Assert.Equal(0, count));
    }

    [Fact]
    public void A_batch_of_many_packets_arrives_complete_and_in_order()
    {
        byte[][] packets = [.. Enumerable.Range(1, 100).Select(i => Traffic.Udp(TunnelConfig.WestHost, TunnelConfig.EastHost, 5000, 53, payloadLength: i * 10))];
        foreach (byte[] packet in packets)
        {
            _west.Tun.Inject(packet);
        }

        Assert.True(_east.Tun.Written.WaitFor(packets.Length));
        Assert.Equal(packets, _east.Tun.Written.All);
    }

    [Fact]
    public void A_packet_no_policy_protects_is_dropped_not_sent_back_towards_the_tunnel()
    {
        _west.Tun.Inject(Traffic.Ping(TunnelConfig.WestHost, IpAddress.Parse("192.0.2.99"), 1));

        Assert.True(RunningGateway.Eventually(() => _west.Statistics.TunBypassDropped == 1));
        Assert.Empty(_west.Wire.Sent.All);
        Assert.Equal(0, _west.Statistics.WireSent);
    }

    [Fact]
    public void A_bypassed_packet_to_a_destination_a_transport_route_covers_goes_to_the_wire_unchanged_the_rest_is_dropped()
    {
        IpAddress peer = IpAddress.Parse("192.0.2.99");
        (ChannelWire wire, ChannelWire other) = ChannelWire.CreatePair();
        using (other)
        using (var gateway = new RunningGateway(wire, TunnelConfig.West.LocalOuter, bypassesToWire: destination => destination == peer))
        {
            TunnelConfig.West.Install(gateway.Engine);
            byte[] clear = Traffic.Udp(TunnelConfig.West.LocalOuter, peer, 5000, 80);
            byte[] tunnelled = Traffic.Ping(TunnelConfig.WestHost, TunnelConfig.EastHost, 1);

            gateway.Tun.Inject(clear);
            gateway.Tun.Inject(Traffic.Ping(TunnelConfig.WestHost, IpAddress.Parse("192.0.2.98"), 1));
            gateway.Tun.Inject(tunnelled);

            Assert.True(RunningGateway.Eventually(() => gateway.Statistics.WireSent == 2 && gateway.Statistics.TunBypassDropped == 1));
            Assert.Equal(1, gateway.Statistics.TunBypassSent);
            byte[][] sent = [.. gateway.Wire.Sent.All];
            Assert.Equal(clear, sent[0]);
            Assert.Equal((byte)IpProtocol.Esp, sent[1][9]);
        }
    }

    [Fact]
    public void A_plain_packet_from_the_wire_is_not_written_to_the_TUN()
    {
        _west.Wire.Inject(Traffic.Udp(IpAddress.Parse("192.0.2.50"), TunnelConfig.West.LocalOuter, 500, 500));

        Assert.True(RunningGateway.Eventually(() => _west.Statistics.WirePlainDropped == 1));
        Assert.Empty(_west.Tun.Written.All);
    }

    [Fact]
    public void An_ESP_packet_for_an_unknown_SPI_is_counted_in_the_MIB_and_not_delivered()
    {
        _west.Tun.Inject(Traffic.Ping(TunnelConfig.WestHost, TunnelConfig.EastHost, 1));
        Assert.True(_west.Wire.Sent.WaitFor(1));
        Assert.True(_east.Tun.Written.WaitFor(1));
        byte[] esp = _west.Wire.Sent.All.First().ToArray();
        esp[Ipv4Header.MinLength + 3] ^= 0x55; // another SPI

        _east.Wire.Inject(esp);

        Assert.True(RunningGateway.Eventually(() => _east.Engine.Statistics[DropReason.InNoStates] == 1));
        Assert.Single(_east.Tun.Written.All);
    }

    [Fact]
    public void A_replayed_ESP_packet_is_dropped_as_a_sequence_error()
    {
        _west.Tun.Inject(Traffic.Ping(TunnelConfig.WestHost, TunnelConfig.EastHost, 1));
        Assert.True(_east.Tun.Written.WaitFor(1));

        _east.Wire.Inject(_west.Wire.Sent.All.First());

        Assert.True(RunningGateway.Eventually(() => _east.Engine.Statistics[DropReason.InStateSeqError] == 1));
        Assert.Single(_east.Tun.Written.All);
    }

    public void Dispose()
    {
        _west.Dispose();
        _east.Dispose();
    }
}

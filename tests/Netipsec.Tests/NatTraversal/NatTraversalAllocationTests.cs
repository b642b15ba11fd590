using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.Tests.Simulation;

namespace Netipsec.Tests.NatTraversal;

/// <summary>The UDP-encapsulated data path allocates nothing per packet once warm, in both directions.</summary>
public sealed class NatTraversalAllocationTests
{
    [Fact]
    public void An_esp_in_udp_round_trip_with_the_transport_checksum_fix_allocates_nothing()
    {
        HostToHost net = NatTraversalInputTests.Encapsulated();
        IpAddress b = net.BAddress;
        var relay = new Relay();
        var output = new XfrmOutput(net.A.Engine, relay);
        var input = new XfrmInput(net.B.Engine, relay, address => address == b);
        var pool = new PacketPool(8);
        byte[] plain = Traffic.Udp(net.AAddress, net.BAddress, 5000, 53, 200);

        long allocated = SteadyState.AllocatedBytes(_ =>
        {
            Packet packet = pool.Rent();
            plain.CopyTo(packet.Put(plain.Length));
            XfrmVerdict sent = output.Output(packet);
            Packet wire = relay.Take();
            wire.ResetMetadata();
            XfrmVerdict received = input.Input(wire);
            Packet delivered = relay.Take();
            delivered.Pool.Return(delivered);
            if (sent != XfrmVerdict.Passed || received != XfrmVerdict.Passed)
            {
                throw new InvalidOperationException($"{sent} / {received}");
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(0, pool.RentedCount);
    }

    /// <summary>Both sinks: keeps the one packet handed over until it is taken.</summary>
    private sealed class Relay : IXfrmOutputSink, IXfrmInputSink
    {
        private Packet? _last;

        public Packet Take()
        {
            Packet packet = _last ?? throw new InvalidOperationException("Nothing was handed over.");
            _last = null;
            return packet;
        }

        public void Transmit(Packet packet) => _last = packet;

        public void Deliver(Packet packet) => _last = packet;

        public void ReturnToSender(Packet icmpError) => throw new InvalidOperationException("No ICMP error was expected.");
    }
}

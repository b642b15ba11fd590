using CsCheck;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.Tests.Simulation;

namespace Netipsec.Tests.NatTraversal;

/// <summary>Mangled ESP-in-UDP, keepalive and IKE packets on port 4500 end in a verdict, never an exception or a leaked packet.</summary>
public sealed class NatTraversalRobustnessTests
{
    [Fact]
    public void Any_mutation_or_truncation_of_a_nat_traversal_packet_ends_in_a_verdict()
    {
        HostToHost net = NatTraversalInputTests.Encapsulated();
        net.B.Engine.NatTraversal.IkeHandler = new IkeRecorder();
        net.A.Send(Traffic.Tcp(net.AAddress, net.BAddress, 40000, 443, 300));
        byte[][] seeds =
        [
            net.Network.Wire[^1],
            NatPackets.Keepalive(net.AAddress, 4500, net.BAddress, 4500),
            NatPackets.Ike(net.AAddress, 4500, net.BAddress, 4500),
        ];
        var counters = new SimulatedHostCounters(net.B);
        int verdicts = 0;

        Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 400], Gen.Byte, Gen.Int[0, 400]).Sample(
            (seed, position, value, cut) =>
            {
                byte[] packet = (byte[])seeds[seed].Clone();
                packet[position % packet.Length] ^= (byte)(value | 1);
                XfrmVerdict verdict = net.B.InjectFromWire(packet.AsSpan(0, Math.Max(1, packet.Length - cut)));
                Assert.True(Enum.IsDefined(verdict));
                verdicts++;
            },
            iter: 5000,
            threads: 1);

        Assert.Equal(5000, verdicts);
        Assert.Equal(0, net.B.Pool.RentedCount);
        Assert.True(counters.Total > 0);
    }
}

using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Fuzz;

/// <summary>
/// The whole Rx path on one input: any bytes arriving at a configured gateway (NAT-T demultiplexing and UDP
/// decapsulation, SA lookup, replay, ESP open, tunnel decap, inbound policy check) must end in a verdict, never an
/// exception. Every input goes to two gateways: one whose SAs take plain ESP, one whose SAs take ESP in UDP (RFC 3948).
/// </summary>
internal sealed class InputPathFuzzTarget : IFuzzTarget
{
    private readonly SiteToSiteScenario _scenario = CreateScenario(udpEncapsulation: false);
    private readonly SiteToSiteScenario _encapsulated = CreateScenario(udpEncapsulation: true);

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length <= PacketPool.DefaultBufferSize - PacketPool.DefaultHeadroom)
        {
            _scenario.EastGateway.InjectFromWire(input);
            _encapsulated.EastGateway.InjectFromWire(input);
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        // Real tunnel traffic: what gw-west puts on the wire for a few packets of each kind, as ESP and as ESP in UDP,
        // plus a NAT keepalive and an IKE packet behind the non-ESP marker on port 4500.
        var seeds = new List<byte[]>();
        foreach (bool udpEncapsulation in new[] { false, true })
        {
            SiteToSiteScenario scenario = CreateScenario(udpEncapsulation);
            foreach (int size in new[] { 0, 100, 600 })
            {
                scenario.WestHost.Send(Traffic.Udp(scenario.WestHostAddress, scenario.EastHostAddress, 5000, 53, size));
            }

            scenario.WestHost.Send(Traffic.Ping(scenario.WestHostAddress, scenario.EastHostAddress));
            IpProtocol carrier = udpEncapsulation ? IpProtocol.Udp : IpProtocol.Esp;
            seeds.AddRange(scenario.Network.Wire.Where(bytes => bytes.Length > 9 && bytes[9] == (byte)carrier && bytes.AsSpan(12, 4).SequenceEqual(GatewayWest)));
        }

        seeds.Add(NatTraversalDatagram([0xFF]));
        seeds.Add(NatTraversalDatagram([0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA]));
        return seeds;
    }

    private static ReadOnlySpan<byte> GatewayWest => [192, 0, 2, 1];

    /// <summary>UDP from gw-west's port 4500 to gw-east's, carrying <paramref name="payload"/>.</summary>
    private static byte[] NatTraversalDatagram(byte[] payload)
    {
        byte[] packet = Traffic.Udp(IpAddress.Parse("192.0.2.1"), IpAddress.Parse("192.0.2.2"), 4500, 4500, payload.Length);
        payload.CopyTo(packet, Ipv4Header.MinLength + 8);
        return packet;
    }

    private static SiteToSiteScenario CreateScenario(bool udpEncapsulation)
    {
        var scenario = new SiteToSiteScenario(TimeProvider.System);
        scenario.InstallPolicies();
        scenario.InstallStates(udpEncapsulation: udpEncapsulation);
        return scenario;
    }
}

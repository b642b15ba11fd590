using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Fuzz;

/// <summary>
/// The whole Rx path on one input: any bytes arriving at a configured gateway (SA lookup, replay, ESP open, tunnel
/// decap, inbound policy check) must end in a verdict, never an exception.
/// </summary>
internal sealed class InputPathFuzzTarget : IFuzzTarget
{
    private readonly SiteToSiteScenario _scenario = CreateScenario();


    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length <= PacketPool.DefaultBufferSize - PacketPool.DefaultHeadroom)
        {
            _scenario.EastGateway.InjectFromWire(input);
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        // Real tunnel traffic: what gw-west puts on the wire for a few packets of each kind.
        SiteToSiteScenario scenario = CreateScenario();
        foreach (int size in new[] { 0, 100, 600 })
        {
            scenario.WestHost.Send(Traffic.Udp(scenario.WestHostAddress, scenario.EastHostAddress, 5000, 53, size));
        }

        scenario.WestHost.Send(Traffic.Ping(scenario.WestHostAddress, scenario.EastHostAddress));

        return scenario.Network.Wire.Where(bytes => bytes.Length > 9 && bytes[9] == (byte)IpProtocol.Esp);
    }

    private static SiteToSiteScenario CreateScenario()
    {
        var scenario = new SiteToSiteScenario(TimeProvider.System);
        scenario.InstallPolicies();
        scenario.InstallStates();
        return scenario;
    }
}

using System.Buffers.Binary;
using Netipsec.Diagnostics;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;

namespace Netipsec.Cli.Demo;

/// <summary>
/// The in-process demo: two sites joined by an ESP tunnel between their gateways (<see cref="SiteToSiteScenario"/>),
/// all in memory. Real packets (ping, UDP, TCP) cross the real engine both ways; then a captured ESP packet is
/// replayed and one is forged, traffic to a site without SAs raises an ACQUIRE, and the gateways' tables and
/// counters are printed.
/// </summary>
internal static class InProcessDemo
{
    public static int Run(TextWriter output)
    {
        var scenario = new SiteToSiteScenario(TimeProvider.System);
        var events = new EventLog();
        scenario.WestGateway.Engine.Events.Register(events.For("gw-west"));
        scenario.EastGateway.Engine.Events.Register(events.For("gw-east"));
        // The narrower policy goes in first: on equal priority the older policy wins, as in Linux.
        if (AddUnkeyedSite(scenario) != SpdStatus.Ok || scenario.InstallPolicies() != SpdStatus.Ok || scenario.InstallStates() != SadStatus.Ok)
        {
            output.WriteLine("the demo configuration was refused");
            return 1;
        }

        output.WriteLine("Netipsec in-process demo: site west 198.51.100.0/24 behind gw-west 192.0.2.1, site east 203.0.113.0/24");
        output.WriteLine("behind gw-east 192.0.2.2, joined by an ESP tunnel (AES-GCM-128, RFC 4106). Everything runs in memory.");
        output.WriteLine();

        IpAddress west = scenario.WestHostAddress;
        IpAddress east = scenario.EastHostAddress;
        var toEast = new List<byte[]>();
        var toWest = new List<byte[]>();
        for (ushort i = 1; i <= 3; i++)
        {
            toEast.Add(Traffic.Ping(west, east, i));
            toWest.Add(Traffic.Ping(east, west, i, reply: true));
        }

        toEast.Add(Traffic.Udp(west, east, 5353, 53, 120));
        toWest.Add(Traffic.Tcp(east, west, 443, 50000, 1200));
        toEast.ForEach(packet => scenario.WestHost.Send(packet));
        toWest.ForEach(packet => scenario.EastHost.Send(packet));
        int intact = CountIntact(toEast, scenario.EastHost.Inbox) + CountIntact(toWest, scenario.WestHost.Inbox);
        output.WriteLine($"traffic: {toEast.Count + toWest.Count} packets (ping, UDP, TCP) sent between the hosts, {intact} delivered byte for byte through the tunnel");

        byte[] captured = scenario.Network.Wire.First(IsEsp);
        XfrmStatistics eastCounters = scenario.EastGateway.Engine.Statistics;
        string replayed = Counted(eastCounters, () => scenario.EastGateway.InjectFromWire(captured));
        output.WriteLine($"replay:  a captured ESP packet sent again to gw-east -> {replayed}");
        byte[] forged = (byte[])captured.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(forged.AsSpan(Ipv4Header.MinLength + 4), 1000); // a fresh sequence number
        forged[^1] ^= 0x80;
        output.WriteLine($"forgery: that packet with a new sequence number and one ICV bit flipped -> {Counted(eastCounters, () => scenario.EastGateway.InjectFromWire(forged))}");
        int eventsBefore = events.Lines.Count;
        IpAddress unkeyed = IpAddress.Parse("203.0.113.200");
        string pings = Counted(scenario.WestGateway.Engine.Statistics, () =>
        {
            scenario.WestHost.Send(Traffic.Ping(west, unkeyed, 1));
            scenario.WestHost.Send(Traffic.Ping(west, unkeyed, 2));
        });
        output.WriteLine($"acquire: two pings to {unkeyed}, behind gateway 192.0.2.3 with no SA yet -> at gw-west {pings}, {events.Lines.Count - eventsBefore} ACQUIRE raised");
        output.WriteLine();

        foreach (SimulatedHost gateway in new[] { scenario.WestGateway, scenario.EastGateway })
        {
            PrintGateway(output, gateway);
        }

        output.WriteLine("== key-manager events ==");
        foreach (string line in events.Lines)
        {
            output.WriteLine(line);
        }

        return 0;
    }

    /// <summary>A narrower policy on gw-west towards a third gateway that has no SAs: its traffic raises an ACQUIRE.</summary>
    private static SpdStatus AddUnkeyedSite(SiteToSiteScenario scenario)
    {
        var template = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel)
        {
            TunnelSource = scenario.WestGatewayOuter,
            TunnelDestination = IpAddress.Parse("192.0.2.3"),
            ReqId = 9,
        };
        var selector = new Selector(scenario.WestSite, IpPrefix.Parse("203.0.113.192/26"));
        return scenario.WestGateway.Engine.Policies.Add(new SecurityPolicy(PolicyDirection.Out, selector, PolicyAction.Ipsec, [template]));
    }

    private static int CountIntact(List<byte[]> sent, List<byte[]> received) =>
        sent.Count(packet => received.Exists(arrived => arrived.AsSpan().SequenceEqual(packet)));

    /// <summary>Runs <paramref name="action"/> and names the counters it moved ("XfrmInStateSeqError +1").</summary>
    private static string Counted(XfrmStatistics statistics, Action action)
    {
        long[] before = statistics.Snapshot();
        action();
        long[] after = statistics.Snapshot();
        var moved = new List<string>();
        for (int i = 1; i < after.Length; i++)
        {
            if (after[i] != before[i])
            {
                moved.Add($"{XfrmStatistics.NameOf((DropReason)i)} +{after[i] - before[i]}");
            }
        }

        return moved.Count == 0 ? "no counter moved" : "dropped, " + string.Join(", ", moved);
    }

    private static bool IsEsp(byte[] packet) => packet.Length > 20 && packet[0] >> 4 == 4 && packet[9] == (byte)IpProtocol.Esp;

    private static void PrintGateway(TextWriter output, SimulatedHost gateway)
    {
        output.WriteLine($"== {gateway.Name}: SAD ({gateway.Engine.States.Count} entries) ==");
        foreach (SecurityAssociation sa in gateway.Engine.States.Dump())
        {
            StateFormatter.Write(output, sa);
        }

        output.WriteLine($"== {gateway.Name}: SPD ({gateway.Engine.Policies.Count} entries) ==");
        foreach (SecurityPolicy policy in gateway.Engine.Policies.Dump())
        {
            PolicyFormatter.Write(output, policy);
        }

        output.WriteLine($"== {gateway.Name}: XFRM counters (non-zero) ==");
        XfrmStatistics statistics = gateway.Engine.Statistics;
        bool any = false;
        for (var reason = DropReason.InError; reason <= DropReason.AcquireError; reason++)
        {
            if (statistics[reason] != 0)
            {
                output.WriteLine($"{XfrmStatistics.NameOf(reason),-24}\t{statistics[reason]}");
                any = true;
            }
        }

        if (!any)
        {
            output.WriteLine("(all zero)");
        }

        output.WriteLine();
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Netipsec.PfKey.Wire;

namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// ESP in UDP (RFC 3948) between two netipsecd gateways through a masquerading nftables router: east learns the
/// port the NAT gave west from west's first authenticated packet and answers there, keepalives hold an idle
/// mapping, and a mapping the NAT forgot is reported (SADB_X_NAT_T_NEW_MAPPING) and followed.
/// </summary>
[Collection(GatewayPairGroup.Name)]
public sealed class NatTraversalTests(NatPair pair) : IClassFixture<NatPair>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [ToolFact("nft", "sysctl")]
    public void Pings_cross_the_NAT_both_ways_and_east_answers_to_the_port_the_NAT_chose()
    {
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
        pair.MustPing(pair.East, "10.2.0.1", "10.1.0.1");

        (int heard, int answered) = EastPeerPorts();
        Assert.True(pair.Box.IsCurrentPort(heard), $"east records west at port {heard}, not one the NAT maps to (from {pair.Box.FirstPort})");
        Assert.Equal(heard, answered);
        Assert.Contains($"src {NatBox.Public} dst {NatBox.EastOuter}", pair.EastDaemon.Query("show state"), StringComparison.Ordinal);
        Assert.True(TunnelTests.Counter(pair.EastDaemon.Query("stats"), "NatMappingChanges") >= 1); // port 4500 was never right
        Assert.True(TunnelTests.Counter(pair.EastDaemon.Query("stats"), "EspPackets") >= 6);
    }

    [ToolFact("nft", "sysctl")]
    public void Keepalives_cross_the_NAT_every_second_and_hold_an_idle_mapping_past_its_timeout()
    {
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
        (int port, _) = EastPeerPorts();
        var watch = new CounterWatch(pair);
        long keepalives = pair.Box.Keepalives();
        long mappings = pair.Box.Mappings();

        // No traffic for twice the NAT's UDP timeout: only keepalives cross.
        Thread.Sleep(TimeSpan.FromSeconds(2 * NatBox.MappingTimeoutSeconds));

        long forwarded = pair.Box.Keepalives() - keepalives;
        Assert.True(forwarded >= NatBox.MappingTimeoutSeconds, $"the NAT forwarded {forwarded} keepalives from west in {2 * NatBox.MappingTimeoutSeconds} s");
        Assert.True(watch.West("NatKeepalivesSent") >= forwarded, pair.WestDaemon.Query("stats"));
        Assert.True(watch.East("NatKeepalivesReceived") >= forwarded, pair.EastDaemon.Query("stats"));
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
        pair.MustPing(pair.East, "10.2.0.1", "10.1.0.1");
        Assert.Equal(mappings, pair.Box.Mappings()); // the NAT kept the mapping: it made no new one...
        Assert.Equal(0, watch.East("NatMappingChanges")); // ...so east saw no new port
        Assert.Equal(port, EastPeerPorts().Heard);
        watch.AssertNoInboundErrors();
    }

    [ToolFact("nft", "sysctl")]
    public void A_mapping_the_NAT_forgot_is_reported_to_a_registered_key_manager_and_followed_and_traffic_continues()
    {
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
        (int before, _) = EastPeerPorts();
        using var keyManager = new PfKeyListener(pair.EastDaemon);
        var watch = new CounterWatch(pair);

        pair.Box.Remap();

        // The kernel forgets the masqueraded connections in the background: ping until a packet takes a new mapping.
        byte[]? report = null;
        Assert.True(
            Shell.Eventually(
                () =>
                {
                    Shell.InNamespace(pair.West.Name, "ping", "-c", "1", "-W", "1", "-I", "10.1.0.1", "10.2.0.1");
                    report = keyManager.WaitFor(static message => message.Header.Type == MessageType.NatTNewMapping, TimeSpan.FromMilliseconds(200));
                    return report is not null;
                },
                Wait),
            "no SADB_X_NAT_T_NEW_MAPPING:\n" + pair.EastDaemon.Query("stats") + pair.EastDaemon.Query("show state"));

        PfKeyMessage message = PfKeyListener.Parse(report!);
        Assert.Equal(NatPair.WestToEast, PfKeyListener.SpiOf(message));
        Assert.True(message.TryGetNatTPort(ExtensionType.NatTSport, out NatTPortExtension previous));
        Assert.True(message.TryGetNatTPort(ExtensionType.NatTDport, out NatTPortExtension current));
        Assert.True(message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension currentAddress));
        Assert.Equal(before, previous.Port);
        Assert.True(pair.Box.IsCurrentPort(current.Port), $"the new mapping's port {current.Port} is not in the NAT's new range (from {pair.Box.FirstPort})");
        Assert.Equal(NatBox.Public, currentAddress.Sockaddr.Address.ToString());
        Assert.Equal((current.Port, current.Port), EastPeerPorts()); // east moved both SAs to the new port

        pair.MustPing(pair.East, "10.2.0.1", "10.1.0.1");
        pair.MustPing(pair.West, "10.1.0.1", "10.2.0.1");
        Assert.Equal(1, watch.East("NatMappingChanges")); // reported once, however many packets showed it
        Assert.Null(keyManager.WaitFor(static message => message.Header.Type == MessageType.NatTNewMapping, TimeSpan.FromMilliseconds(500)));

        // Reloading the unchanged configuration keeps both SAs where they followed the NAT: port 4500 was no edit.
        pair.EastDaemon.Signal("HUP");
        Assert.True(Shell.Eventually(() => pair.EastDaemon.Output.Contains("0 added, 0 removed, 5 unchanged", StringComparison.Ordinal)), pair.EastDaemon.Output);
        Assert.Equal((current.Port, current.Port), EastPeerPorts());
        pair.MustPing(pair.East, "10.2.0.1", "10.1.0.1");
    }

    /// <summary>
    /// The ports east's SAs hold for west: where west's packets come from (the inbound SA's source port) and where
    /// east sends (the outbound SA's destination port), as <c>show state</c> prints them.
    /// </summary>
    private (int Heard, int Answered) EastPeerPorts()
    {
        string states = pair.EastDaemon.Query("show state");
        return (Port(states, NatPair.WestToEast, 1), Port(states, NatPair.EastToWest, 2));
    }

    private static int Port(string states, uint spi, int group)
    {
        Match encapsulation = Regex.Match(
            states,
            string.Create(CultureInfo.InvariantCulture, $@"proto esp spi 0x{spi:x8} [^\n]*\n(?:\t[^\n]*\n)*?\tencap type espinudp sport (\d+) dport (\d+)"));
        Assert.True(encapsulation.Success, $"no encapsulation for SPI 0x{spi:x} in:\n{states}");
        return int.Parse(encapsulation.Groups[group].Value, CultureInfo.InvariantCulture);
    }
}

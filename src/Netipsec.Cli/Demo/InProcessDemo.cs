using Netipsec.Cli.Formatting;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Cli.Demo;

/// <summary>
/// The in-process demo: two security gateways, West and East, with a site-to-site ESP tunnel between their sites,
/// configured the way a key manager would (policies in, out and fwd; one SA each way). A few packets go through
/// the real policy and SA lookups, anti-replay and lifetime accounting; then both tables are printed.
/// </summary>
internal static class InProcessDemo
{
    private const byte AesGcm16 = 20; // PF_KEY's SADB_X_EALG_AES_GCM_ICV16 (RFC 4106)

    private static readonly IpPrefix WestSite = IpPrefix.Parse("198.51.100.0/25");
    private static readonly IpPrefix EastSite = IpPrefix.Parse("198.51.100.128/25");
    private static readonly IpPrefix UnkeyedSite = IpPrefix.Parse("203.0.113.0/24");

    public static int Run(TextWriter output)
    {
        var west = new SimulatedGateway("west", IpAddress.Parse("192.0.2.1"), TimeProvider.System);
        var east = new SimulatedGateway("east", IpAddress.Parse("192.0.2.2"), TimeProvider.System);
        Configure(west, east, WestSite, EastSite, spiOut: 0x1001, spiIn: 0x2002);
        Configure(east, west, EastSite, WestSite, spiOut: 0x2002, spiIn: 0x1001);

        // West also protects traffic to a third site whose gateway has no SA yet: that raises an ACQUIRE.
        var toUnkeyed = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel)
        {
            TunnelSource = west.OuterAddress,
            TunnelDestination = IpAddress.Parse("192.0.2.3"),
            ReqId = 9,
        };
        Require(west.Policies.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(WestSite, UnkeyedSite), PolicyAction.Ipsec, [toUnkeyed])));

        output.WriteLine("Netipsec in-process demo: gateways west (192.0.2.1, site 198.51.100.0/25) and east (192.0.2.2,");
        output.WriteLine("site 198.51.100.128/25) joined by an ESP tunnel (AES-GCM-128). Packets go through the real SPD and SAD");
        output.WriteLine("lookups, anti-replay and lifetime accounting; the ESP transform itself comes with the packet engine.");
        output.WriteLine();

        byte[] request = EchoPacket("198.51.100.10", "198.51.100.200", sequence: 1);
        byte[] reply = EchoPacket("198.51.100.200", "198.51.100.10", sequence: 1, type: 0);
        SendResult? captured = null;
        for (int i = 0; i < 3; i++)
        {
            SendResult sent = Transfer(output, west, east, request);
            captured ??= sent;
            Transfer(output, east, west, reply);
        }

        output.WriteLine("replaying west's first ESP packet to east (per-SA drop counters come with the packet engine):");
        output.WriteLine($"  east  rx: {east.Receive(request, captured!.Sa!, captured.Sequence)}");

        byte[] unkeyed = EchoPacket("198.51.100.10", "203.0.113.5", sequence: 1);
        output.WriteLine($"  west  tx 198.51.100.10 -> 203.0.113.5: {west.Send(unkeyed).Description}");
        output.WriteLine($"  west  tx 198.51.100.10 -> 203.0.113.5: {west.Send(unkeyed).Description}");
        output.WriteLine();

        foreach (SimulatedGateway gateway in new[] { west, east })
        {
            PrintTables(output, gateway);
        }

        return 0;
    }

    private static SendResult Transfer(TextWriter output, SimulatedGateway from, SimulatedGateway to, byte[] packet)
    {
        SendResult sent = from.Send(packet);
        Flow flow = FlowExtractor.TryExtract(packet, 0, out Flow extracted, out _) ? extracted : default;
        output.WriteLine($"  {from.Name,-5} tx {flow.Source} -> {flow.Destination}: {sent.Description}");
        if (sent.Sa is not null)
        {
            output.WriteLine($"  {to.Name,-5} rx: {to.Receive(packet, sent.Sa, sent.Sequence)}");
        }

        return sent;
    }

    /// <summary>Installs what a key manager would for one side of the tunnel: out, in and fwd policies and both SAs.</summary>
    private static void Configure(SimulatedGateway local, SimulatedGateway remote, IpPrefix localSite, IpPrefix remoteSite, uint spiOut, uint spiIn)
    {
        PolicyTemplate Tunnel(IpAddress source, IpAddress destination) =>
            new(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = source, TunnelDestination = destination, ReqId = 1 };

        PolicyTemplate outbound = Tunnel(local.OuterAddress, remote.OuterAddress);
        PolicyTemplate inbound = Tunnel(remote.OuterAddress, local.OuterAddress);
        Require(local.Policies.Add(new SecurityPolicy(PolicyDirection.Out, new Selector(localSite, remoteSite), PolicyAction.Ipsec, [outbound])));
        Require(local.Policies.Add(new SecurityPolicy(PolicyDirection.In, new Selector(remoteSite, localSite), PolicyAction.Ipsec, [inbound])));
        Require(local.Policies.Add(new SecurityPolicy(PolicyDirection.Fwd, new Selector(remoteSite, localSite), PolicyAction.Ipsec, [inbound])));

        Require(local.States.Add(TunnelSa(local.OuterAddress, remote.OuterAddress, spiOut, new Selector(localSite, remoteSite), SaFlags.Outbound)));
        Require(local.States.Add(TunnelSa(remote.OuterAddress, local.OuterAddress, spiIn, new Selector(remoteSite, localSite), SaFlags.Inbound)));
    }

    private static SecurityAssociation TunnelSa(IpAddress source, IpAddress destination, uint spi, Selector inner, SaFlags direction)
    {
        // A fixed demo key (128-bit AES key + 32-bit salt) that both gateways derive from the SPI.
        byte[] key = new byte[20];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(spi + (uint)i);
        }

        return new SecurityAssociation(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Tunnel)
        {
            ReqId = 1,
            Encryption = new SaAlgorithm(AesGcm16, key),
            Flags = SaFlags.Tunnel | direction,
            ReplayWindowSize = 64,
            InnerSelector = inner,
            SoftLimits = new LifetimeLimits(0, 0, TimeSpan.FromHours(8), TimeSpan.Zero),
            HardLimits = new LifetimeLimits(0, 0, TimeSpan.FromHours(9), TimeSpan.Zero),
        };
    }

    private static byte[] EchoPacket(string source, string destination, ushort sequence, byte type = 8)
    {
        byte[] packet = new byte[20 + 8 + 56];
        var header = new Ipv4Header(packet)
        {
            Version = 4,
            HeaderLength = Ipv4Header.MinLength,
            TotalLength = (ushort)packet.Length,
            TimeToLive = 64,
            Protocol = IpProtocol.Icmp,
            Source = IpAddress.Parse(source),
            Destination = IpAddress.Parse(destination),
        };
        header.UpdateChecksum();
        Span<byte> icmp = packet.AsSpan(Ipv4Header.MinLength);
        icmp[0] = type;
        icmp[7] = (byte)sequence;
        InternetChecksum.WriteTransportChecksum(header.Source, header.Destination, IpProtocol.Icmp, icmp);
        return packet;
    }

    private static void PrintTables(TextWriter output, SimulatedGateway gateway)
    {
        output.WriteLine($"== {gateway.Name}: SAD ({gateway.States.Count} entries) ==");
        foreach (SecurityAssociation sa in gateway.States.Dump())
        {
            StateFormatter.Write(output, sa);
        }

        output.WriteLine($"== {gateway.Name}: SPD ({gateway.Policies.Count} entries) ==");
        foreach (SecurityPolicy policy in gateway.Policies.Dump())
        {
            PolicyFormatter.Write(output, policy);
        }

        output.WriteLine($"== {gateway.Name}: key-manager events ==");
        foreach (string line in gateway.Events)
        {
            output.WriteLine(line);
        }

        output.WriteLine();
    }

    private static void Require(SadStatus status)
    {
        if (status != SadStatus.Ok)
        {
            throw new InvalidOperationException($"The demo configuration was refused: {status}.");
        }
    }

    private static void Require(SpdStatus status)
    {
        if (status != SpdStatus.Ok)
        {
            throw new InvalidOperationException($"The demo configuration was refused: {status}.");
        }
    }
}

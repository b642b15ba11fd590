using Netipsec.Engine;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Transforms.Esp;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// Tunnel traffic between gateways whose SAs pad differently (setkey -f seq-pad / zero-pad / random-pad): RFC 4303
/// §2.4 lets only a receiver expecting the default 1, 2, 3, ... check the padding.
/// </summary>
public sealed class EspPaddingTrafficTests
{
    [Theory]
    [InlineData(EspPadding.Zero, EspPadding.Zero)]
    [InlineData(EspPadding.Random, EspPadding.Random)]
    [InlineData(EspPadding.Random, EspPadding.Zero)]
    [InlineData(EspPadding.Sequential, EspPadding.Random)]
    [InlineData(EspPadding.Sequential, EspPadding.Sequential)]
    public void A_receiver_that_does_not_expect_sequential_padding_takes_any(EspPadding sender, EspPadding receiver)
    {
        (SiteToSite net, byte[][] sent) = Send(sender, receiver);

        Assert.Equal(sent, net.EastHost.Inbox);
    }

    [Theory]
    [InlineData(EspPadding.Zero)]
    [InlineData(EspPadding.Random)]
    public void A_default_padding_receiver_drops_other_padding_and_counts_InStateProtoError(EspPadding sender)
    {
        var net = new SiteToSite();
        Replace(net, sender, EspPadding.Sequential);
        MibWatch mib = net.Watch();
        byte[][] packets = [.. Enumerable.Range(1, 4).Select(i => Packet(net, i))];
        // Each inner packet needs padding, or there is nothing to get wrong: 92 bytes + 2 take 2 bytes to 4-byte alignment.
        Assert.All(packets, packet => Assert.Equal(2, EspTrailer.PaddingLength(packet.Length, EspTrailer.Alignment(1))));

        foreach (byte[] packet in packets)
        {
            net.WestHost.Send(packet);
        }

        // Zero padding never reads 1, 2; random padding does once in 65,536 packets, so one of four may pass by chance
        // (two doing so is a 1 in 2^31 event).
        int dropped = packets.Length - net.EastHost.Inbox.Count;
        Assert.True(sender == EspPadding.Zero ? dropped == 4 : dropped >= 3, $"{dropped} of 4 dropped");
        mib.AssertOnly(net.EastGateway, DropReason.InStateProtoError, dropped);
        SecurityAssociation inbound = SiteToSite.StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi);
        Assert.Equal(0, inbound.Statistics[SaCounter.IntegrityFailures]); // authentic: the padding, not the ICV, is what is wrong
        Assert.Equal((ulong)net.EastHost.Inbox.Count, inbound.Current.Packets); // a dropped packet is not accounted
    }

    private static (SiteToSite Net, byte[][] Sent) Send(EspPadding sender, EspPadding receiver)
    {
        var net = new SiteToSite();
        Replace(net, sender, receiver);
        MibWatch mib = net.Watch();
        byte[][] sent = [.. Enumerable.Range(1, 4).Select(i => Packet(net, i, payload: 60 + i))];
        foreach (byte[] packet in sent)
        {
            net.WestHost.Send(packet);
        }

        mib.AssertNone();
        return (net, sent);
    }

    private static void Replace(SiteToSite net, EspPadding sender, EspPadding receiver)
    {
        var selector = new Selector(net.WestSite, net.EastSite);
        SiteToSite.ReplaceState(net.WestGateway, SiteToSite.TunnelSa(
            net.WestGatewayOuter, net.EastGatewayOuter, SiteToSite.WestToEastSpi, selector, padding: sender));
        SiteToSite.ReplaceState(net.EastGateway, SiteToSite.TunnelSa(
            net.WestGatewayOuter, net.EastGatewayOuter, SiteToSite.WestToEastSpi, selector, padding: receiver));
    }

    private static byte[] Packet(SiteToSite net, int tag, int payload = 64) =>
        Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, (ushort)(1000 + tag), payload);
}

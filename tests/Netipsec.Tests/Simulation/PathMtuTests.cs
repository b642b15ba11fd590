using System.Buffers.Binary;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// Packets that no longer fit the 1500-byte link once tunnelled: the sender learns the MTU that does fit (ICMP
/// "fragmentation needed" or ICMPv6 "Packet Too Big" from its gateway), or, IPv4 without DF, the outer packet is fragmented.
/// </summary>
public sealed class PathMtuTests
{
    // ESP with AES-GCM-16 adds header 8, IV 8, ICV 16, and pads payload + 2 trailer bytes to a multiple of 4; the tunnel
    // adds its outer header: over IPv4, 1500 - 20 - 32 = 1448 = (L + 2) for L = 1446; over IPv6, 1428 = L + 2 for L = 1426.
    [Theory]
    [InlineData(IpVersion.V4, IpVersion.V4, 1446)]
    [InlineData(IpVersion.V6, IpVersion.V6, 1426)]
    [InlineData(IpVersion.V4, IpVersion.V6, 1426)]
    [InlineData(IpVersion.V6, IpVersion.V4, 1446)]
    public void The_sender_learns_the_largest_packet_that_fits_and_that_size_goes_through_while_one_byte_more_does_not(IpVersion inner, IpVersion outer, int fitting)
    {
        // Across families the gateway has no outer address of the inner family to send the error from: it uses an inner one.
        var options = new XfrmOutputOptions
        {
            IcmpSourceV4 = inner != outer && inner == IpVersion.V4 ? IpAddress.Parse("198.51.100.1") : default,
            IcmpSourceV6 = inner != outer && inner == IpVersion.V6 ? IpAddress.Parse("2001:db8:1::1") : default,
        };
        var net = new SiteToSite(inner, outer, options);
        IpAddress icmpSource = inner == outer ? net.WestGatewayOuter : (options.IcmpSourceV4.Version == inner ? options.IcmpSourceV4 : options.IcmpSourceV6);
        MibWatch mib = net.Watch();

        byte[] tooBig = Packet(net, fitting + 1);
        net.WestHost.Send(tooBig);

        Assert.Empty(net.EastHost.Inbox);
        byte[] error = Assert.Single(net.WestHost.Inbox);
        Assert.Equal(fitting, ReportedMtu(error, icmpSource, net.WestHostAddress, tooBig));
        mib.AssertOnly(net.WestGateway, DropReason.OutError);

        byte[] fits = Packet(net, fitting);
        int wireBefore = net.Network.Wire.Count;
        net.WestHost.Send(fits);

        Assert.Equal([fits], net.EastHost.Inbox);
        Assert.Equal(1500, net.Network.Wire[wireBefore + 1].Length); // exactly the link MTU between the gateways
        mib.AssertOnly(net.WestGateway, DropReason.OutError);
    }

    [Theory]
    [InlineData(IpVersion.V4, 1446)]
    [InlineData(IpVersion.V6, 1426)]
    public void Link_padding_behind_the_ip_length_does_not_count_against_the_mtu(IpVersion version, int fitting)
    {
        var net = new SiteToSite(version, version);
        MibWatch mib = net.Watch();
        byte[] fits = Packet(net, fitting);
        int wireBefore = net.Network.Wire.Count;

        net.WestHost.Send([.. fits, 0, 0, 0, 0]); // as a frame padded by its link arrives, bytes past the IP length

        Assert.Equal([fits], net.EastHost.Inbox);
        Assert.Equal(1500, net.Network.Wire[wireBefore + 1].Length);
        Assert.Empty(net.WestHost.Inbox); // no "too big" error
        mib.AssertNone();
    }

    [Fact]
    public void Ipv4_without_df_is_sent_as_outer_fragments_and_reassembled_before_decryption()
    {
        var net = new SiteToSite();
        MibWatch mib = net.Watch();
        byte[] big = Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, 1600, dontFragment: false);

        net.WestHost.Send(big);

        List<byte[]> fragments = [.. net.Network.Wire.Skip(1).Take(2)]; // [0] is the host's packet to its gateway, [3] the delivery
        Assert.Equal(2, fragments.Count);
        Assert.All(fragments, f => Assert.True(f.Length <= 1500));
        var first = new Ipv4Header(fragments[0]);
        var second = new Ipv4Header(fragments[1]);
        Assert.Equal((true, 0, IpProtocol.Esp), (first.MoreFragments, first.FragmentOffset, first.Protocol));
        Assert.Equal((false, (fragments[0].Length - Ipv4Header.MinLength) / 8), (second.MoreFragments, second.FragmentOffset));
        Assert.Equal(first.Identification, second.Identification);
        Assert.All(fragments, f => Assert.True(new Ipv4Header(f).VerifyChecksum()));

        Assert.Equal([big], net.EastHost.Inbox);
        mib.AssertNone();
    }

    [Fact]
    public void Icmp_errors_are_rate_limited_and_the_bucket_refills_with_time()
    {
        var net = new SiteToSite(options: new XfrmOutputOptions { IcmpErrorBurst = 3, IcmpErrorsPerSecond = 2 });
        MibWatch mib = net.Watch();
        byte[] tooBig = Packet(net, 1480);

        for (int i = 0; i < 5; i++)
        {
            net.WestHost.Send(tooBig);
        }

        Assert.Equal(3, net.WestHost.Inbox.Count);
        Assert.Equal(2, net.WestGateway.Output.IcmpErrorsSuppressed);
        mib.AssertOnly(net.WestGateway, DropReason.OutError, 5); // every too-big packet is dropped, answered or not

        net.Clock.Advance(TimeSpan.FromSeconds(1)); // two more tokens
        for (int i = 0; i < 3; i++)
        {
            net.WestHost.Send(tooBig);
        }

        Assert.Equal(5, net.WestHost.Inbox.Count);
        Assert.Equal(3, net.WestGateway.Output.IcmpErrorsSuppressed);
    }

    /// <summary>A packet of exactly <paramref name="length"/> bytes: TCP with DF over IPv4, UDP over IPv6.</summary>
    private static byte[] Packet(SiteToSite net, int length) => net.WestHostAddress.Version == IpVersion.V4
        ? Traffic.Tcp(net.WestHostAddress, net.EastHostAddress, 40000, 443, length - 40)
        : Traffic.Udp(net.WestHostAddress, net.EastHostAddress, 5000, 53, length - 48);

    /// <summary>Checks the ICMP error's addresses, type and quote, and returns the MTU it reports.</summary>
    private static int ReportedMtu(byte[] error, IpAddress source, IpAddress destination, byte[] offending)
    {
        Assert.True(FlowExtractor.TryExtract(error, 0, out Flow flow, out _));
        Assert.Equal((source, destination), (flow.Source, flow.Destination));
        if (source.Version == IpVersion.V4)
        {
            ReadOnlySpan<byte> icmp = error.AsSpan(Ipv4Header.MinLength);
            Assert.Equal((IpProtocol.Icmp, (byte)3, (byte)4), (flow.Protocol, icmp[0], icmp[1])); // unreachable, fragmentation needed
            Assert.True(InternetChecksum.Verify(icmp));
            Assert.Equal(offending.AsSpan(0, 28).ToArray(), icmp.Slice(8, 28).ToArray());
            return BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]);
        }

        ReadOnlySpan<byte> icmpv6 = error.AsSpan(Ipv6Header.Length);
        Assert.Equal((IpProtocol.Icmpv6, (byte)2, (byte)0), (flow.Protocol, icmpv6[0], icmpv6[1])); // Packet Too Big
        Assert.True(InternetChecksum.VerifyTransportChecksum(source, destination, IpProtocol.Icmpv6, icmpv6));
        Assert.Equal(offending.AsSpan(0, 48).ToArray(), icmpv6.Slice(8, 48).ToArray());
        return (int)BinaryPrimitives.ReadUInt32BigEndian(icmpv6[4..]);
    }
}

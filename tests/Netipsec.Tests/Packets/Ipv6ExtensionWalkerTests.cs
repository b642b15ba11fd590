using Netipsec.Packets;
using static Netipsec.Tests.Packets.TestPackets;

namespace Netipsec.Tests.Packets;

public sealed class Ipv6ExtensionWalkerTests
{
    private static Ipv6ExtensionChain Walk(byte[] packet)
    {
        Assert.True(Ipv6ExtensionWalker.TryWalk(packet, out Ipv6ExtensionChain chain, out PacketError error));
        Assert.Equal(PacketError.None, error);
        return chain;
    }

    [Fact]
    public void WithoutExtensionHeadersTheUpperLayerFollowsTheFixedHeader()
    {
        Ipv6ExtensionChain chain = Walk(Ipv6(IpProtocol.Tcp, Tcp(1, 2)));

        Assert.Equal(IpProtocol.Tcp, chain.UpperLayerProtocol);
        Assert.Equal(40, chain.UpperLayerOffset);
        Assert.Equal(60, chain.PacketLength);
        Assert.Equal(0, chain.ExtensionHeaderCount);
        Assert.Equal(40, chain.IpsecInsertionOffset);
        Assert.Equal(6, chain.IpsecNextHeaderOffset);
        Assert.False(chain.HasFragmentHeader);
    }

    [Fact]
    public void IPsecGoesAfterHopByHop()
    {
        Ipv6ExtensionChain chain = Walk(Ipv6(IpProtocol.HopByHopOptions, Concat(Extension(IpProtocol.Tcp, 8), Tcp(1, 2))));

        Assert.Equal(IpProtocol.Tcp, chain.UpperLayerProtocol);
        Assert.Equal(48, chain.UpperLayerOffset);
        Assert.Equal(48, chain.IpsecInsertionOffset);
        Assert.Equal(40, chain.IpsecNextHeaderOffset);
    }

    [Fact]
    public void IPsecGoesBeforeAFinalDestinationOptionsHeader()
    {
        // The case the Linux offload path got wrong: [IPv6][dest opts][ESP][TCP].
        Ipv6ExtensionChain chain = Walk(Ipv6(IpProtocol.DestinationOptions, Concat(Extension(IpProtocol.Tcp, 16), Tcp(1, 2))));

        Assert.Equal(56, chain.UpperLayerOffset);
        Assert.Equal(40, chain.IpsecInsertionOffset);
        Assert.Equal(6, chain.IpsecNextHeaderOffset);
    }

    [Fact]
    public void IPsecGoesAfterADestinationOptionsHeaderThatPrecedesRoutingAndBeforeOneThatFollowsIt()
    {
        byte[] packet = Ipv6(IpProtocol.HopByHopOptions, Concat(
            Extension(IpProtocol.DestinationOptions, 8), // 40..48
            Extension(IpProtocol.Routing, 16), // 48..64
            Extension(IpProtocol.DestinationOptions, 24), // 64..88
            Extension(IpProtocol.Udp, 8), // 88..96
            Udp(1, 2)));

        Ipv6ExtensionChain chain = Walk(packet);

        Assert.Equal(IpProtocol.Udp, chain.UpperLayerProtocol);
        Assert.Equal(96, chain.UpperLayerOffset);
        Assert.Equal(4, chain.ExtensionHeaderCount);
        Assert.Equal(88, chain.IpsecInsertionOffset);
        Assert.Equal(64, chain.IpsecNextHeaderOffset);
    }

    [Fact]
    public void IPsecGoesAfterRoutingWhenDestinationOptionsComeFirst()
    {
        byte[] packet = Ipv6(IpProtocol.DestinationOptions, Concat(Extension(IpProtocol.Routing, 8), Extension(IpProtocol.Tcp, 8), Tcp(1, 2)));

        Ipv6ExtensionChain chain = Walk(packet);

        Assert.Equal(56, chain.IpsecInsertionOffset);
        Assert.Equal(48, chain.IpsecNextHeaderOffset);
    }

    [Fact]
    public void AFirstFragmentIsCrossedAndReported()
    {
        byte[] packet = Ipv6(IpProtocol.Fragment, Concat(Fragment(IpProtocol.Udp, 0, more: true, 0xDEADBEEF), Udp(1, 2)));

        Ipv6ExtensionChain chain = Walk(packet);

        Assert.Equal(IpProtocol.Udp, chain.UpperLayerProtocol);
        Assert.Equal(48, chain.UpperLayerOffset);
        Assert.Equal(48, chain.IpsecInsertionOffset);
        Assert.Equal(40, chain.IpsecNextHeaderOffset);
        Assert.True(chain.HasFragmentHeader);
        Assert.Equal(new FragmentInfo(0, true, 0xDEADBEEF), chain.Fragment);
        Assert.False(chain.IsNonFirstFragment);
        Assert.Equal((40, 6), (chain.FragmentHeaderOffset, chain.FragmentHeaderNextHeaderOffset));
    }

    [Fact]
    public void TheWalkStopsAtANonFirstFragment()
    {
        // What follows the fragment header is the middle of the original payload, not a header: it must not be parsed.
        byte[] payload = Enumerable.Repeat((byte)0xFF, 16).ToArray();
        byte[] packet = Ipv6(IpProtocol.HopByHopOptions, Concat(Extension(IpProtocol.Fragment, 8), Fragment(IpProtocol.DestinationOptions, 1480, more: false, 7), payload));

        Ipv6ExtensionChain chain = Walk(packet);

        Assert.Equal(IpProtocol.DestinationOptions, chain.UpperLayerProtocol);
        Assert.Equal(56, chain.UpperLayerOffset);
        Assert.True(chain.IsNonFirstFragment);
        Assert.Equal(new FragmentInfo(1480, false, 7), chain.Fragment);
        Assert.Equal(2, chain.ExtensionHeaderCount);
        Assert.Equal((48, 40), (chain.FragmentHeaderOffset, chain.FragmentHeaderNextHeaderOffset));
    }

    [Fact]
    public void AHLengthCountsInFourByteUnits()
    {
        byte[] packet = Ipv6(IpProtocol.HopByHopOptions, Concat(Extension(IpProtocol.Ah, 8), Ah(IpProtocol.Tcp, 28), Tcp(1, 2)));

        Ipv6ExtensionChain chain = Walk(packet);

        Assert.Equal(IpProtocol.Tcp, chain.UpperLayerProtocol);
        Assert.Equal(76, chain.UpperLayerOffset);
        Assert.Equal(48, chain.IpsecInsertionOffset); // a new ESP/AH goes in front of the existing AH
    }

    [Fact]
    public void InboundProcessingStartsAtTheFirstIpsecHeader()
    {
        byte[] withAh = Ipv6(IpProtocol.HopByHopOptions, Concat(Extension(IpProtocol.Ah, 8), Ah(IpProtocol.Esp, 24), new byte[16]));
        Ipv6ExtensionChain ah = Walk(withAh);
        Assert.Equal((48, 40), (ah.IpsecHeaderOffset, ah.IpsecHeaderNextHeaderOffset));

        byte[] withEsp = Ipv6(IpProtocol.DestinationOptions, Concat(Extension(IpProtocol.Esp, 16), new byte[16]));
        Ipv6ExtensionChain esp = Walk(withEsp);
        Assert.Equal((56, 40), (esp.IpsecHeaderOffset, esp.IpsecHeaderNextHeaderOffset));

        Ipv6ExtensionChain direct = Walk(Ipv6(IpProtocol.Esp, new byte[16]));
        Assert.Equal((40, 6), (direct.IpsecHeaderOffset, direct.IpsecHeaderNextHeaderOffset));

        Ipv6ExtensionChain none = Walk(Ipv6(IpProtocol.Tcp, Tcp(1, 2)));
        Assert.Equal(0, none.IpsecHeaderOffset);
    }

    [Theory]
    [InlineData(IpProtocol.Esp)]
    [InlineData(IpProtocol.IpComp)]
    [InlineData(IpProtocol.NoNextHeader)]
    [InlineData(IpProtocol.Icmpv6)]
    public void TheWalkStopsAtHeadersItCannotOrNeedNotCross(IpProtocol last)
    {
        Ipv6ExtensionChain chain = Walk(Ipv6(IpProtocol.Routing, Concat(Extension(last, 8), new byte[16])));

        Assert.Equal(last, chain.UpperLayerProtocol);
        Assert.Equal(48, chain.UpperLayerOffset);
    }

    [Fact]
    public void BytesAfterThePayloadLengthAreNotWalked()
    {
        byte[] packet = Concat(Ipv6(IpProtocol.Tcp, Tcp(1, 2)), Extension(IpProtocol.Tcp, 8));
        packet[6] = (byte)IpProtocol.DestinationOptions;
        packet[5] = 0; // payload length 0: the destination options header lies beyond the packet

        Assert.False(Ipv6ExtensionWalker.TryWalk(packet, out _, out PacketError error));
        Assert.Equal(PacketError.ExtensionHeaderTruncated, error);
    }

    [Fact]
    public void SixteenExtensionHeadersAreAccepted()
    {
        Ipv6ExtensionChain chain = Walk(Ipv6(IpProtocol.DestinationOptions, DestinationOptionsChain(16)));

        Assert.Equal(16, chain.ExtensionHeaderCount);
        Assert.Equal(IpProtocol.Tcp, chain.UpperLayerProtocol);
    }

    public static TheoryData<string, byte[], PacketError> Malformed() => new()
    {
        { "fixed header truncated", Ipv6(IpProtocol.Tcp, Tcp(1, 2))[..39], PacketError.Truncated },
        { "not version 6", Ipv4(IpProtocol.Tcp, Concat(Tcp(1, 2), new byte[40])), PacketError.BadVersion },
        { "payload length past the buffer", Ipv6(IpProtocol.Tcp, Tcp(1, 2))[..50], PacketError.BadPayloadLength },
        { "one byte of an extension header", Ipv6(IpProtocol.HopByHopOptions, [6]), PacketError.ExtensionHeaderTruncated },
        { "half a fragment header", Ipv6(IpProtocol.Fragment, [6, 0, 0, 0]), PacketError.ExtensionHeaderTruncated },
        { "options length past the payload", Ipv6(IpProtocol.HopByHopOptions, Concat(Extension(IpProtocol.Tcp, 16)[..8], Tcp(1, 2)[..4])), PacketError.ExtensionHeaderOverrun },
        { "AH length past the payload", Ipv6(IpProtocol.Ah, Ah(IpProtocol.Tcp, 24)[..20]), PacketError.ExtensionHeaderOverrun },
        { "hop-by-hop after destination options", Ipv6(IpProtocol.DestinationOptions, Concat(Extension(IpProtocol.HopByHopOptions, 8), Extension(IpProtocol.Tcp, 8), Tcp(1, 2))), PacketError.HopByHopNotFirst },
        { "a second hop-by-hop", Ipv6(IpProtocol.HopByHopOptions, Concat(Extension(IpProtocol.HopByHopOptions, 8), Extension(IpProtocol.Tcp, 8), Tcp(1, 2))), PacketError.HopByHopNotFirst },
        { "seventeen extension headers", Ipv6(IpProtocol.DestinationOptions, DestinationOptionsChain(17)), PacketError.TooManyExtensionHeaders },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedChainsFailWithAReason(string description, byte[] packet, PacketError expected)
    {
        Assert.False(Ipv6ExtensionWalker.TryWalk(packet, out Ipv6ExtensionChain chain, out PacketError error), description);
        Assert.Equal(expected, error);
        Assert.Equal(default, chain);
    }

    private static byte[] DestinationOptionsChain(int count) =>
        Concat([.. Enumerable.Range(0, count).Select(i => Extension(i == count - 1 ? IpProtocol.Tcp : IpProtocol.DestinationOptions, 8)), Tcp(1, 2)]);
}

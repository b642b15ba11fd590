using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Tests.Packets;
using Netipsec.Transforms.Modes;

namespace Netipsec.Tests.Transforms.Modes;

/// <summary>
/// SAs, packets and a stand-in transform for the mode tests. The fake transform does what the layout contract asks of
/// ESP, without crypto: an 8-byte header in the gap, a 2-byte trailer whose last byte is the inner protocol.
/// </summary>
internal static class ModeTestData
{
    public const int FakeHeaderLength = 8;
    public const int FakeTrailerLength = 2;
    public const byte FakeHeaderByte = 0xE5;
    public const byte FakePadByte = 0xAA;

    public static readonly IpAddress V4OuterSource = IpAddress.Parse("203.0.113.1");
    public static readonly IpAddress V4OuterDestination = IpAddress.Parse("203.0.113.2");
    public static readonly IpAddress V6OuterSource = IpAddress.Parse("2001:db8:a::1");
    public static readonly IpAddress V6OuterDestination = IpAddress.Parse("2001:db8:b::1");

    public static SecurityAssociation Sa(XfrmMode mode, IpVersion outer, Selector? inner = null) =>
        Sa(mode, outer == IpVersion.V4 ? V4OuterSource : V6OuterSource, outer == IpVersion.V4 ? V4OuterDestination : V6OuterDestination, inner);

    public static SecurityAssociation Sa(XfrmMode mode, IpAddress source, IpAddress destination, Selector? inner = null) =>
        new(new SaId(destination, 0x1000, IpsecProtocol.Esp), source, mode) { InnerSelector = inner };

    /// <summary>A BEET SA whose inner selector names the hosts of <see cref="TestPackets"/>.</summary>
    public static SecurityAssociation BeetSa(IpVersion version) =>
        Sa(XfrmMode.Beet, version, HostSelector(version));

    public static Selector HostSelector(IpVersion version) => version == IpVersion.V4
        ? new Selector(IpPrefix.Host(TestPackets.V4Source), IpPrefix.Host(TestPackets.V4Destination))
        : new Selector(IpPrefix.Host(TestPackets.V6Source), IpPrefix.Host(TestPackets.V6Destination));

    public static PacketPool NewPool() => new(8);

    /// <summary>An IPv4 packet of <see cref="TestPackets"/>, with the given type of service, DF and options.</summary>
    public static byte[] Ipv4(IpProtocol protocol = IpProtocol.Udp, byte typeOfService = 0, bool dontFragment = false, byte[]? options = null, byte[]? payload = null)
    {
        byte[] packet = TestPackets.Ipv4(protocol, payload ?? TestPackets.Udp(4500, 500, 23), options: options);
        var header = new Ipv4Header(packet) { DontFragment = dontFragment };
        packet[1] = typeOfService;
        header.UpdateChecksum();
        return packet;
    }

    /// <summary>An IPv6 packet of <see cref="TestPackets"/>, with the given traffic class and flow label.</summary>
    public static byte[] Ipv6(IpProtocol next = IpProtocol.Udp, byte trafficClass = 0, int flowLabel = 0, byte[]? payload = null) =>
        WithTrafficClass(TestPackets.Ipv6(next, payload ?? TestPackets.Udp(4500, 500, 23)), trafficClass, flowLabel);

    public static byte[] Inner(IpVersion version, byte trafficClass = 0) =>
        version == IpVersion.V4 ? Ipv4(typeOfService: trafficClass, dontFragment: true) : Ipv6(trafficClass: trafficClass);

    /// <summary>IPv4 options of <paramref name="length"/> bytes (a multiple of 4): NOPs then an end-of-list byte, and a recognisable pattern first.</summary>
    public static byte[] Options(int length)
    {
        byte[] options = new byte[length];
        options.AsSpan().Fill(1);
        options[0] = 0x94; // router alert (RFC 2113), 4 bytes
        options[1] = 4;
        options[^1] = 0;
        return options;
    }

    /// <summary>A packet holding <paramref name="bytes"/>, its headroom dirty as if earlier packets had used it.</summary>
    public static Packet Rent(PacketPool pool, ReadOnlySpan<byte> bytes)
    {
        Packet packet = pool.Rent();
        int headroom = packet.Headroom;
        packet.Push(headroom).Fill(0xDD);
        packet.Pull(headroom);
        packet.CopyBack(0, bytes);
        return packet;
    }

    /// <summary>Prepare, fake transform output, finish: returns the bytes that go on the wire.</summary>
    public static byte[] Protect(SecurityAssociation sa, byte[] original)
    {
        PacketPool pool = NewPool();
        Packet packet = Rent(pool, original);
        Assert.Equal(ModeStatus.Ok, XfrmModes.PrepareOutput(sa, packet, FakeHeaderLength, FakeTrailerLength));
        FakeOutput(sa, packet);
        Assert.Equal(ModeStatus.Ok, XfrmModes.FinishOutput(sa, packet));
        byte[] wire = packet.Data.ToArray();
        pool.Return(packet);
        return wire;
    }

    /// <summary>What a transform's output does: fills the gap, appends the trailer, names its protocol.</summary>
    public static void FakeOutput(SecurityAssociation sa, Packet packet)
    {
        packet.TransportHeader[..FakeHeaderLength].Fill(FakeHeaderByte);
        Span<byte> trailer = packet.Put(FakeTrailerLength);
        trailer[0] = FakePadByte;
        trailer[1] = (byte)packet.InnerProtocol;
        packet.NetworkHeader[packet.NextHeaderFieldOffset] = (byte)sa.Protocol;
    }

    /// <summary>
    /// What the engine and a transform's input do to a received packet: parse the IP header(s) to find the IPsec header
    /// (network mark, transport mark, next-header field), then remove header and trailer and take the inner protocol.
    /// </summary>
    public static Packet ReceiveUntilMode(PacketPool pool, ReadOnlySpan<byte> wire)
    {
        Packet packet = Rent(pool, wire);
        packet.SetNetworkHeader(0);
        int ipsecHeader;
        if (wire[0] >> 4 == 4)
        {
            ipsecHeader = new Ipv4Header(packet.Data).HeaderLength;
            packet.NextHeaderFieldOffset = 9;
        }
        else
        {
            Assert.True(Ipv6ExtensionWalker.TryWalk(packet.Data, out Ipv6ExtensionChain chain, out _));
            Assert.Equal(IpProtocol.Esp, chain.UpperLayerProtocol);
            ipsecHeader = chain.UpperLayerOffset;
            packet.NextHeaderFieldOffset = chain.IpsecNextHeaderOffset;
        }

        Assert.Equal((byte)IpProtocol.Esp, packet.Data[packet.NextHeaderFieldOffset]);
        packet.SetTransportHeader(ipsecHeader);
        FakeInput(packet);
        return packet;
    }

    /// <summary>What a transform's input does: strip trailer and header, set the inner protocol from the trailer.</summary>
    public static void FakeInput(Packet packet)
    {
        Assert.Equal(FakePadByte, packet.Data[^FakeTrailerLength]);
        packet.InnerProtocol = (IpProtocol)packet.Data[^1];
        packet.Trim(packet.Length - FakeTrailerLength);
        Assert.True(packet.TransportHeader[..FakeHeaderLength].SequenceEqual(Enumerable.Repeat(FakeHeaderByte, FakeHeaderLength).ToArray()));
        packet.StripHeader(packet.TransportOffset, FakeHeaderLength);
    }

    /// <summary>Protects <paramref name="original"/>, receives the wire bytes and runs the mode's input; returns the result bytes.</summary>
    public static byte[] RoundTrip(SecurityAssociation sa, byte[] original)
    {
        byte[] wire = Protect(sa, original);
        return Unprotect(sa, wire);
    }

    public static byte[] Unprotect(SecurityAssociation sa, byte[] wire)
    {
        PacketPool pool = NewPool();
        Packet packet = ReceiveUntilMode(pool, wire);
        Assert.Equal(ModeStatus.Ok, XfrmModes.Input(sa, packet));
        Assert.Equal(0, packet.NetworkOffset);
        byte[] result = packet.Data.ToArray();
        pool.Return(packet);
        return result;
    }

    public static byte[] WithTrafficClass(byte[] ipv6, byte trafficClass, int flowLabel = 0)
    {
        _ = new Ipv6Header(ipv6) { TrafficClass = trafficClass, FlowLabel = flowLabel };
        return ipv6;
    }
}

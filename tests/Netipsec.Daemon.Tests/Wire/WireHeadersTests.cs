using System.Buffers.Binary;
using Netipsec.Daemon.Wire;
using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Daemon.Tests.Wire;

public sealed class WireHeadersTests
{
    private static readonly PacketPool Pool = new(16, diagnostics: true);
    private static readonly IpAddress V6Source = IpAddress.Parse("2001:db8::1");
    private static readonly IpAddress V6Destination = IpAddress.Parse("2001:db8::2");
    private static readonly IpAddress V4Source = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress V4Destination = IpAddress.Parse("192.0.2.2");

    [Fact]
    public void An_IPv6_raw_payload_gets_back_the_header_it_arrived_with()
    {
        byte[] original = Traffic.Udp(V6Source, V6Destination, 1, 2, 40);
        original[0] = 0x6B; // traffic class 0xB0 split over the first two bytes
        original[1] = 0x00;
        original[6] = (byte)IpProtocol.Esp;
        original[7] = 17;
        Packet packet = Received(original.AsSpan(Ipv6Header.Length));

        Assert.True(WireHeaders.TryRebuildIpv6(packet, IpProtocol.Esp, V6Source, V6Destination, 0xB0, 17));

        Assert.Equal(original, packet.Data.ToArray());
        Assert.Equal(0, packet.NetworkOffset);
        Pool.Return(packet);
    }

    [Fact]
    public void An_IPv4_ESP_in_UDP_datagram_gets_IP_and_UDP_headers_with_a_valid_header_checksum()
    {
        byte[] esp = [0, 0, 0x10, 0x01, 0, 0, 0, 1, 9, 9, 9, 9];
        Packet packet = Received(esp);

        Assert.True(WireHeaders.TryRebuildUdp(packet, V4Source, 4500, V4Destination, 4500));

        byte[] whole = packet.Data.ToArray();
        Assert.True(Ipv4Header.TryParse(whole, out Ipv4Header header, out _));
        Assert.True(header.VerifyChecksum());
        Assert.Equal(IpProtocol.Udp, header.Protocol);
        Assert.Equal(V4Source, header.Source);
        Assert.Equal(V4Destination, header.Destination);
        Assert.Equal(whole.Length, header.TotalLength);
        Assert.Equal(4500, BinaryPrimitives.ReadUInt16BigEndian(whole.AsSpan(20)));
        Assert.Equal(8 + esp.Length, BinaryPrimitives.ReadUInt16BigEndian(whole.AsSpan(24)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(whole.AsSpan(26)));
        Assert.Equal(esp, whole.AsSpan(28).ToArray());
        Assert.Equal(20, packet.TransportOffset);
        Pool.Return(packet);
    }

    [Fact]
    public void An_IPv6_ESP_in_UDP_datagram_gets_a_UDP_checksum_that_verifies()
    {
        byte[] esp = [0, 0, 0x10, 0x01, 0, 0, 0, 1, 7];
        Packet packet = Received(esp);

        Assert.True(WireHeaders.TryRebuildUdp(packet, V6Source, 4500, V6Destination, 4500));

        byte[] whole = packet.Data.ToArray();
        Assert.Equal(Ipv6Header.Length + 8 + esp.Length, whole.Length);
        Assert.Equal((byte)IpProtocol.Udp, whole[6]);
        Assert.Equal(8 + esp.Length, BinaryPrimitives.ReadUInt16BigEndian(whole.AsSpan(4)));
        Assert.True(InternetChecksum.VerifyTransportChecksum(V6Source, V6Destination, IpProtocol.Udp, whole.AsSpan(Ipv6Header.Length)));
        Pool.Return(packet);
    }

    [Fact]
    public void Without_headroom_nothing_is_rebuilt()
    {
        var tight = new PacketPool(1, headroom: 8, diagnostics: true);
        Packet packet = tight.Rent();
        packet.Put(10);

        Assert.False(WireHeaders.TryRebuildIpv6(packet, IpProtocol.Esp, V6Source, V6Destination, 0, 64));
        Assert.False(WireHeaders.TryRebuildUdp(packet, V4Source, 4500, V4Destination, 4500));
        Assert.Equal(10, packet.Length);
        tight.Return(packet);
    }

    [Theory]
    [InlineData(4500, 4500, true)]
    [InlineData(4500, 6000, true)]
    [InlineData(500, 4500, false)]
    public void UDP_from_the_NAT_T_port_leaves_by_the_UDP_socket(int sourcePort, int destinationPort, bool viaUdp)
    {
        byte[] v4 = Traffic.Udp(V4Source, V4Destination, (ushort)sourcePort, (ushort)destinationPort, 20);
        byte[] v6 = Traffic.Udp(V6Source, V6Destination, (ushort)sourcePort, (ushort)destinationPort, 20);

        Assert.Equal(viaUdp, WireHeaders.IsFromUdpPort(v4, 4500, out IpAddress source, out IpAddress destination, out ushort port, out int payload));
        if (viaUdp)
        {
            Assert.Equal((V4Source, V4Destination, destinationPort, 28), (source, destination, (int)port, payload));
        }

        Assert.Equal(viaUdp, WireHeaders.IsFromUdpPort(v6, 4500, out source, out destination, out port, out payload));
        if (viaUdp)
        {
            Assert.Equal((V6Source, V6Destination, destinationPort, 48), (source, destination, (int)port, payload));
        }
    }

    [Fact]
    public void ESP_TCP_fragments_and_garbage_leave_by_the_raw_socket()
    {
        byte[] fragment = Traffic.Udp(V4Source, V4Destination, 4500, 4500, 20);
        fragment[6] = 0x20; // more fragments
        byte[] tcp = Traffic.Tcp(V4Source, V4Destination, 4500, 4500, 20);

        Assert.False(WireHeaders.IsFromUdpPort(fragment, 4500, out _, out _, out _, out _));
        Assert.False(WireHeaders.IsFromUdpPort(tcp, 4500, out _, out _, out _, out _));
        Assert.False(WireHeaders.IsFromUdpPort([0x45, 0, 0], 4500, out _, out _, out _, out _));
        Assert.False(WireHeaders.IsFromUdpPort([], 4500, out _, out _, out _, out _));
        Assert.True(WireHeaders.TryGetDestination(tcp, out IpAddress destination));
        Assert.Equal(V4Destination, destination);
        Assert.False(WireHeaders.TryGetDestination([0x12, 0x34], out _));
    }

    private static Packet Received(ReadOnlySpan<byte> payload)
    {
        Packet packet = Pool.Rent();
        payload.CopyTo(packet.Put(payload.Length));
        return packet;
    }
}

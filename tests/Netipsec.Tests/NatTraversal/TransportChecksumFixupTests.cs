using System.Buffers.Binary;
using CsCheck;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Tests.NatTraversal;

/// <summary>
/// RFC 3948 §3.1.2: a transport-mode TCP or UDP checksum that a NAT broke is made right again, checked against a naive
/// recomputation over the addresses the receiver sees.
/// </summary>
public sealed class TransportChecksumFixupTests
{
    private static readonly Gen<IpAddress> V4 = Gen.UInt.Select(IpAddress.FromIpv4);
    private static readonly Gen<IpAddress> V6 = Gen.Byte.Array[16].Select(bytes => IpAddress.Read(bytes));

    private static readonly Gen<(IpAddress Original, IpAddress Received, IpAddress Destination)> Addresses =
        Gen.Bool.SelectMany(v4 => v4 ? Gen.Select(V4, V4, V4) : Gen.Select(V6, V6, V6));

    [Fact]
    public void With_nat_oa_the_incremental_fix_equals_a_full_recomputation_over_the_received_addresses()
    {
        Gen.Select(Addresses, Gen.Bool, Gen.Byte.Array[0, 300]).Sample(
            (addresses, tcp, data) =>
            {
                IpProtocol protocol = tcp ? IpProtocol.Tcp : IpProtocol.Udp;
                byte[] packet = AsSentBehindNat(addresses.Original, addresses.Received, addresses.Destination, protocol, data);

                TransportChecksumFixup.Apply(Encapsulation(addresses.Original), packet);

                ushort expected = NaiveChecksum.Transport(addresses.Received, addresses.Destination, protocol, Upper(packet), Field(protocol));
                Assert.True(SameChecksum(expected, StoredChecksum(packet, protocol), protocol));
                Assert.True(InternetChecksum.VerifyTransportChecksum(addresses.Received, addresses.Destination, protocol, Upper(packet)));
            },
            iter: 2000);
    }

    [Fact]
    public void Without_nat_oa_udp_over_ipv4_loses_its_checksum_and_the_rest_is_recomputed()
    {
        Gen.Select(Addresses, Gen.Bool, Gen.Byte.Array[0, 300]).Sample(
            (addresses, tcp, data) =>
            {
                IpProtocol protocol = tcp ? IpProtocol.Tcp : IpProtocol.Udp;
                byte[] packet = AsSentBehindNat(addresses.Original, addresses.Received, addresses.Destination, protocol, data);

                TransportChecksumFixup.Apply(Encapsulation(default), packet);

                ushort stored = StoredChecksum(packet, protocol);
                if (!tcp && addresses.Received.Version == IpVersion.V4)
                {
                    Assert.Equal(0, stored); // "no checksum" (RFC 768)
                }
                else
                {
                    Assert.Equal(NaiveChecksum.Transport(addresses.Received, addresses.Destination, protocol, Upper(packet), Field(protocol)), stored);
                }

                Assert.True(InternetChecksum.VerifyTransportChecksum(addresses.Received, addresses.Destination, protocol, Upper(packet)));
            },
            iter: 2000);
    }

    [Fact]
    public void A_udp_datagram_sent_without_checksum_keeps_none()
    {
        IpAddress original = IpAddress.Parse("198.51.100.10");
        byte[] packet = AsSentBehindNat(original, IpAddress.Parse("192.0.2.1"), IpAddress.Parse("192.0.2.20"), IpProtocol.Udp, [1, 2, 3]);
        packet.AsSpan(20 + 6, 2).Clear();

        TransportChecksumFixup.Apply(Encapsulation(original), packet);

        Assert.Equal(0, StoredChecksum(packet, IpProtocol.Udp));
    }

    [Fact]
    public void A_nat_oa_of_the_other_family_counts_as_none_and_icmp_is_left_alone()
    {
        IpAddress received = IpAddress.Parse("192.0.2.1");
        IpAddress destination = IpAddress.Parse("192.0.2.20");
        byte[] tcp = AsSentBehindNat(IpAddress.Parse("198.51.100.10"), received, destination, IpProtocol.Tcp, [9, 8, 7]);
        TransportChecksumFixup.Apply(Encapsulation(IpAddress.Parse("2001:db8::10")), tcp);
        Assert.True(InternetChecksum.VerifyTransportChecksum(received, destination, IpProtocol.Tcp, Upper(tcp)));

        byte[] ping = Netipsec.Simulation.Traffic.Ping(received, destination);
        byte[] before = (byte[])ping.Clone();
        TransportChecksumFixup.Apply(Encapsulation(IpAddress.Parse("198.51.100.10")), ping);
        Assert.Equal(before, ping);
    }

    private static NatTraversalEncapsulation Encapsulation(IpAddress original) => new(NatTraversalType.EspInUdp, 4500, 4500, original);

    /// <summary>A TCP/UDP packet whose checksum the sender computed from <paramref name="original"/>, whose header a NAT then rewrote to <paramref name="received"/>.</summary>
    private static byte[] AsSentBehindNat(IpAddress original, IpAddress received, IpAddress destination, IpProtocol protocol, byte[] data)
    {
        byte[] packet = protocol == IpProtocol.Tcp
            ? Netipsec.Simulation.Traffic.Tcp(original, destination, 40000, 443, data.Length)
            : Netipsec.Simulation.Traffic.Udp(original, destination, 5000, 53, data.Length);
        int headerLength = original.Version == IpVersion.V4 ? Ipv4Header.MinLength : Ipv6Header.Length;
        data.CopyTo(packet, headerLength + (protocol == IpProtocol.Tcp ? 20 : 8));
        ushort checksum = NaiveChecksum.Transport(original, destination, protocol, packet.AsSpan(headerLength), Field(protocol));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(headerLength + Field(protocol)), protocol == IpProtocol.Udp && checksum == 0 ? (ushort)0xFFFF : checksum);
        received.WriteTo(packet.AsSpan(original.Version == IpVersion.V4 ? Ipv4Header.SourceOffset : Ipv6Header.SourceOffset));
        return packet;
    }

    private static int Field(IpProtocol protocol) => protocol == IpProtocol.Tcp ? InternetChecksum.TcpChecksumOffset : InternetChecksum.UdpChecksumOffset;

    private static Span<byte> Upper(byte[] packet) => packet.AsSpan(packet[0] >> 4 == 4 ? Ipv4Header.MinLength : Ipv6Header.Length);

    private static ushort StoredChecksum(byte[] packet, IpProtocol protocol) => BinaryPrimitives.ReadUInt16BigEndian(Upper(packet)[Field(protocol)..]);

    /// <summary>Equal, or the two one's-complement zeros (0x0000 and 0xFFFF) of a TCP checksum, or UDP's 0xFFFF for a computed zero.</summary>
    private static bool SameChecksum(ushort expected, ushort actual, IpProtocol protocol) =>
        expected == actual || ((expected is 0 or 0xFFFF) && (actual is 0 or 0xFFFF) && (protocol == IpProtocol.Tcp || actual == 0xFFFF));
}

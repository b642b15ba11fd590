using System.Buffers.Binary;
using CsCheck;
using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Tests.States;
using Netipsec.Transforms;

namespace Netipsec.Tests.NatTraversal;

/// <summary>The UDP header of ESP in UDP (RFC 3948 §2.1): put in on output, recognised and taken out on input.</summary>
public sealed class UdpEncapsulationTests
{
    private static readonly IpAddress V4Local = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress V4Peer = IpAddress.Parse("198.51.100.7");
    private static readonly IpAddress V6Local = IpAddress.Parse("2001:db8::1");
    private static readonly IpAddress V6Peer = IpAddress.Parse("2001:db8::7");

    [Fact]
    public void Output_matches_a_hand_built_ipv4_packet_with_a_zero_udp_checksum()
    {
        Gen.Select(Gen.Int[0, 200], Gen.UShort[1, ushort.MaxValue], Gen.UShort[1, ushort.MaxValue], Gen.Int[0, 2]).Sample(
            (espLength, sourcePort, destinationPort, optionWords) =>
            {
                byte[] esp = NatPackets.EspPayload(0x1234, 1, espLength);
                byte[] ip = Ipv4(V4Local, V4Peer, IpProtocol.Esp, esp, optionWords);
                int header = 20 + (optionWords * 4);

                byte[] actual = Encapsulate(ip, header, Ipv4Header.ProtocolOffset, new(NatTraversalType.EspInUdp, sourcePort, destinationPort));

                byte[] udp = [.. Be(sourcePort), .. Be(destinationPort), .. Be((ushort)(8 + esp.Length)), 0, 0, .. esp];
                byte[] expected = Ipv4(V4Local, V4Peer, IpProtocol.Udp, udp, optionWords);
                Assert.Equal(expected, actual);
            },
            iter: 300);
    }

    [Fact]
    public void Output_over_ipv6_carries_the_checksum_a_naive_reference_computes()
    {
        Gen.Select(Gen.Int[0, 300], Gen.UShort[1, ushort.MaxValue]).Sample(
            (espLength, destinationPort) =>
            {
                byte[] esp = NatPackets.EspPayload(0x1234, 1, espLength);
                byte[] ip = Ipv6(V6Local, V6Peer, IpProtocol.Esp, esp);

                byte[] actual = Encapsulate(ip, Ipv6Header.Length, Ipv6Header.NextHeaderOffset, new(NatTraversalType.EspInUdp, 4500, destinationPort));

                byte[] udp = [.. Be(4500), .. Be(destinationPort), .. Be((ushort)(8 + esp.Length)), 0, 0, .. esp];
                ushort checksum = NaiveChecksum.Transport(V6Local, V6Peer, IpProtocol.Udp, udp, 6);
                BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(6), checksum == 0 ? (ushort)0xFFFF : checksum);
                Assert.Equal(Ipv6(V6Local, V6Peer, IpProtocol.Udp, udp), actual);
            },
            iter: 300);
    }

    public static TheoryData<string, byte[], string> Received => new()
    {
        { "keepalive", NatPackets.Keepalive(V4Peer, 4500, V4Local, 4500), nameof(EncapsulationKind.Keepalive) },
        { "IKE behind the non-ESP marker", NatPackets.Ike(V4Peer, 4500, V4Local, 4500), nameof(EncapsulationKind.Ike) },
        { "ESP", NatPackets.Udp(V4Peer, 4500, V4Local, 4500, NatPackets.EspPayload(0x1001)), nameof(EncapsulationKind.Esp) },
        { "ESP over IPv6", NatPackets.Udp(V6Peer, 4500, V6Local, 4500, NatPackets.EspPayload(0x1001)), nameof(EncapsulationKind.Esp) },
        { "an ESP header and nothing more goes to IKE, as in Linux", NatPackets.Udp(V4Peer, 4500, V4Local, 4500, NatPackets.EspPayload(0x1001, 1, 0)), nameof(EncapsulationKind.Ike) },
        { "three stray bytes go to IKE", NatPackets.Udp(V4Peer, 4500, V4Local, 4500, [1, 2, 3]), nameof(EncapsulationKind.Ike) },
        { "an empty datagram goes to IKE", NatPackets.Udp(V4Peer, 4500, V4Local, 4500, []), nameof(EncapsulationKind.Ike) },
        { "two 0xFF bytes are no keepalive", NatPackets.Udp(V4Peer, 4500, V4Local, 4500, [0xFF, 0xFF]), nameof(EncapsulationKind.Ike) },
        { "UDP length past the packet", WithUdpLength(NatPackets.Keepalive(V4Peer, 4500, V4Local, 4500), 10), nameof(EncapsulationKind.Malformed) },
        { "UDP length below the header", WithUdpLength(NatPackets.Keepalive(V4Peer, 4500, V4Local, 4500), 7), nameof(EncapsulationKind.Malformed) },
        { "another port", NatPackets.Keepalive(V4Peer, 4500, V4Local, 4501), nameof(EncapsulationKind.NotEncapsulated) },
        { "not to a local address", NatPackets.Keepalive(V4Local, 4500, V4Peer, 4500), nameof(EncapsulationKind.NotEncapsulated) },
        { "a fragment", Fragment(NatPackets.Keepalive(V4Peer, 4500, V4Local, 4500)), nameof(EncapsulationKind.NotEncapsulated) },
        { "TCP to port 4500", Traffic(V4Peer, V4Local), nameof(EncapsulationKind.NotEncapsulated) },
    };

    [Theory]
    [MemberData(nameof(Received))]
    public void Input_sorts_what_arrives_on_the_port(string description, byte[] packet, string expected)
    {
        Assert.False(string.IsNullOrEmpty(description));
        XfrmEngine engine = NewEngine();

        EncapsulationKind kind = UdpEncapsulation.Classify(packet, address => address == V4Local || address == V6Local, engine.NatTraversal, out _);

        Assert.Equal(expected, kind.ToString());
    }

    [Fact]
    public void Input_accepts_the_local_port_of_an_installed_sa_on_its_address_only_while_it_is_installed()
    {
        XfrmEngine engine = NewEngine();
        byte[] onSaPort = NatPackets.Keepalive(V4Peer, 4500, V4Local, 4600);
        byte[] otherAddress = NatPackets.Keepalive(V4Peer, 4500, SadTestData.Other, 4600);
        SecurityAssociation sa = EncapsulatedSa(V4Peer, V4Local, 0x2001, 4500, 4600);
        Assert.Equal(EncapsulationKind.NotEncapsulated, Classify(engine, onSaPort));

        Assert.Equal(SadStatus.Ok, engine.States.Add(sa));
        Assert.Equal(EncapsulationKind.Keepalive, Classify(engine, onSaPort));
        Assert.Equal(EncapsulationKind.NotEncapsulated, Classify(engine, otherAddress));
        Assert.Equal([(ushort)4500, (ushort)4600], engine.NatTraversal.ListeningPorts());

        Assert.Equal(SadStatus.Ok, engine.States.Delete(sa.Id));
        Assert.Equal(EncapsulationKind.NotEncapsulated, Classify(engine, onSaPort));
        Assert.Equal([(ushort)4500], engine.NatTraversal.ListeningPorts());
    }

    [Fact]
    public void An_update_that_moves_the_sa_to_another_port_moves_the_accepted_port_with_it()
    {
        XfrmEngine engine = NewEngine(new NatTraversalOptions { Ports = [] });
        Assert.Equal(SadStatus.Ok, engine.States.Add(EncapsulatedSa(V4Peer, V4Local, 0x2001, 4500, 4600)));
        Assert.Equal(SadStatus.Ok, engine.States.Add(EncapsulatedSa(V4Peer, V4Local, 0x2002, 4500, 4600)));

        Assert.Equal(SadStatus.Ok, engine.States.Update(EncapsulatedSa(V4Peer, V4Local, 0x2001, 4500, 4700), out _));
        Assert.Equal([(ushort)4600, (ushort)4700], engine.NatTraversal.ListeningPorts()); // 0x2002 still uses 4600

        Assert.Equal(SadStatus.Ok, engine.States.Delete(new SaId(V4Local, 0x2002, IpsecProtocol.Esp)));
        Assert.Equal([(ushort)4700], engine.NatTraversal.ListeningPorts());
        Assert.True(engine.NatTraversal.AcceptsEncapsulation(new UdpEndpoint(V4Local, 4700)));
        Assert.False(engine.NatTraversal.AcceptsEncapsulation(new UdpEndpoint(V4Local, 4500)));
    }

    [Fact]
    public void Decapsulation_leaves_the_esp_packet_that_would_have_come_without_udp()
    {
        byte[] esp = NatPackets.EspPayload(0x1001, 7, 40);
        byte[] received = [.. NatPackets.Udp(V4Peer, 4500, V4Local, 4500, esp), 0xEE, 0xEE]; // link padding behind it
        XfrmEngine engine = NewEngine();
        var pool = new PacketPool(4);
        Packet packet = pool.Rent();
        received.CopyTo(packet.Put(received.Length));
        Assert.Equal(EncapsulationKind.Esp, UdpEncapsulation.Classify(packet.Data, _ => true, engine.NatTraversal, out EncapsulatedDatagram datagram));
        Assert.Equal(new UdpEndpoint(V4Peer, 4500), datagram.Source);

        Assert.True(UdpEncapsulation.TryDecapsulate(packet, datagram));

        byte[] expected = Ipv4(V4Peer, V4Local, IpProtocol.Esp, esp, 0);
        Assert.Equal(Strip(expected), Strip(packet.Data.ToArray()));
        Assert.True(new Ipv4Header(packet.Data).VerifyChecksum());
        pool.Return(packet);

        static byte[] Strip(byte[] ip) => [.. ip.AsSpan(0, 4), .. ip.AsSpan(8, 2), .. ip.AsSpan(12)]; // all but identification, flags, checksum
    }

    [Fact]
    public void Decapsulation_behind_an_ipv6_extension_header_names_esp_in_that_header()
    {
        byte[] esp = NatPackets.EspPayload(0x1001, 7, 40);
        byte[] plain = NatPackets.Udp(V6Peer, 4500, V6Local, 4500, esp);
        byte[] hopByHop = [(byte)IpProtocol.Udp, 0, 1, 4, 0, 0, 0, 0];
        byte[] received = [.. plain.AsSpan(0, 40), .. hopByHop, .. plain.AsSpan(40)];
        received[6] = (byte)IpProtocol.HopByHopOptions;
        BinaryPrimitives.WriteUInt16BigEndian(received.AsSpan(4), (ushort)(received.Length - 40));
        var pool = new PacketPool(4);
        Packet packet = pool.Rent();
        received.CopyTo(packet.Put(received.Length));
        Assert.Equal(EncapsulationKind.Esp, UdpEncapsulation.Classify(packet.Data, _ => true, NewEngine().NatTraversal, out EncapsulatedDatagram datagram));

        Assert.True(UdpEncapsulation.TryDecapsulate(packet, datagram));

        Assert.Equal((byte)IpProtocol.Esp, packet.Data[40]);
        Assert.Equal(esp, packet.Data[48..].ToArray());
        Assert.Equal(8 + esp.Length, new Ipv6Header(packet.Data).PayloadLength);
        pool.Return(packet);
    }

    [Fact]
    public void An_ah_sa_with_an_encapsulation_is_refused_at_install_as_linux_refuses_it()
    {
        XfrmEngine engine = NewEngine();
        SecurityAssociation ah = SadTestData.Ah(0x3001);
        var encapsulated = new SecurityAssociation(ah.Id, ah.Source, ah.Mode)
        {
            Authentication = ah.Authentication,
            NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 4500),
        };

        Assert.Equal(SadStatus.Invalid, engine.States.Add(encapsulated));
        Assert.Equal(SadStatus.Ok, engine.States.Add(ah));
    }

    internal static XfrmEngine NewEngine(NatTraversalOptions? options = null) =>
        new(SadTestData.NewClock(), XfrmTypeRegistry.CreateDefault(), natTraversal: options);

    internal static SecurityAssociation EncapsulatedSa(IpAddress source, IpAddress destination, uint spi, ushort sourcePort, ushort destinationPort) =>
        new(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Tunnel)
        {
            Encryption = new SaAlgorithm(20, Simulation.SiteToSite.KeyFor(spi)),
            NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, sourcePort, destinationPort),
        };

    private static EncapsulationKind Classify(XfrmEngine engine, byte[] packet) =>
        UdpEncapsulation.Classify(packet, _ => true, engine.NatTraversal, out _);

    /// <summary>Runs the output step on a packet laid out as FinishOutput leaves it.</summary>
    private static byte[] Encapsulate(byte[] ip, int espOffset, int namingByte, NatTraversalEncapsulation encapsulation)
    {
        var pool = new PacketPool(4);
        Packet packet = pool.Rent();
        ip.CopyTo(packet.Put(ip.Length));
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(espOffset);
        packet.NextHeaderFieldOffset = namingByte;
        Assert.True(UdpEncapsulation.TryEncapsulate(packet, encapsulation));
        byte[] result = packet.Data.ToArray();
        pool.Return(packet);
        return result;
    }

    /// <summary>An IPv4 packet built field by field, header checksum from the naive sum.</summary>
    private static byte[] Ipv4(IpAddress source, IpAddress destination, IpProtocol protocol, byte[] payload, int optionWords)
    {
        int headerLength = 20 + (optionWords * 4);
        byte[] packet = new byte[headerLength + payload.Length];
        packet[0] = (byte)(0x40 | (headerLength / 4));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = 64;
        packet[9] = (byte)protocol;
        source.WriteTo(packet.AsSpan(12));
        destination.WriteTo(packet.AsSpan(16));
        packet.AsSpan(20, headerLength - 20).Fill(1); // NOP options
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), (ushort)~Tests.Packets.TestPackets.NaiveSum(packet.AsSpan(0, headerLength)));
        payload.CopyTo(packet, headerLength);
        return packet;
    }

    private static byte[] Ipv6(IpAddress source, IpAddress destination, IpProtocol protocol, byte[] payload)
    {
        byte[] packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = (byte)protocol;
        packet[7] = 64;
        source.WriteTo(packet.AsSpan(8));
        destination.WriteTo(packet.AsSpan(24));
        payload.CopyTo(packet, 40);
        return packet;
    }

    private static byte[] Be(ushort value) => [(byte)(value >> 8), (byte)value];

    private static byte[] WithUdpLength(byte[] packet, ushort length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(Ipv4Header.MinLength + 4), length);
        return packet;
    }

    private static byte[] Fragment(byte[] packet)
    {
        var header = new Ipv4Header(packet) { MoreFragments = true };
        header.UpdateChecksum();
        return packet;
    }

    private static byte[] Traffic(IpAddress source, IpAddress destination) => Netipsec.Simulation.Traffic.Tcp(source, destination, 4500, 4500);
}

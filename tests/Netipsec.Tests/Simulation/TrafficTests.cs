using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Tests.Simulation;

public sealed class TrafficTests
{
    public static TheoryData<string, string> Pairs => new() { { "192.0.2.1", "198.51.100.2" }, { "2001:db8::1", "2001:db8::2" } };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_packet_parses_with_correct_checksums_and_the_asked_for_flow(string from, string to)
    {
        IpAddress source = IpAddress.Parse(from);
        IpAddress destination = IpAddress.Parse(to);
        bool v4 = source.Version == IpVersion.V4;
        (byte[] Packet, IpProtocol Protocol, ushort SourcePort, ushort DestinationPort)[] cases =
        [
            (Traffic.Udp(source, destination, 5000, 53, 40), IpProtocol.Udp, 5000, 53),
            (Traffic.Tcp(source, destination, 40000, 443, 10), IpProtocol.Tcp, 40000, 443),
            (Traffic.Ping(source, destination), v4 ? IpProtocol.Icmp : IpProtocol.Icmpv6, v4 ? (ushort)8 : (ushort)128, 0),
            (Traffic.Ping(source, destination, reply: true), v4 ? IpProtocol.Icmp : IpProtocol.Icmpv6, v4 ? (ushort)0 : (ushort)129, 0),
        ];

        foreach ((byte[] packet, IpProtocol protocol, ushort sourcePort, ushort destinationPort) in cases)
        {
            Assert.True(FlowExtractor.TryExtract(packet, 0, out Flow flow, out _));
            Assert.Equal(new Flow(source, destination, protocol, sourcePort, destinationPort), flow);
            int headerLength = v4 ? Ipv4Header.MinLength : Ipv6Header.Length;
            Assert.True(InternetChecksum.VerifyTransportChecksum(source, destination, protocol, packet.AsSpan(headerLength)));
            if (v4)
            {
                Assert.True(new Ipv4Header(packet).VerifyChecksum());
            }
        }
    }
}

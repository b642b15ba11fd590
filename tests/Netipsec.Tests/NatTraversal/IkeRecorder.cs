using Netipsec.NatTraversal;
using Netipsec.Packets;

namespace Netipsec.Tests.NatTraversal;

/// <summary>An IKE handler that keeps what it was given (endpoints and UDP payload) and returns each packet to its pool.</summary>
internal sealed class IkeRecorder : IIkePacketHandler
{
    public List<(UdpEndpoint Source, UdpEndpoint Destination, byte[] Payload)> Packets { get; } = [];

    public void HandleIkePacket(Packet packet, UdpEndpoint source, UdpEndpoint destination)
    {
        Packets.Add((source, destination, packet.TransportHeader[8..].ToArray()));
        packet.Pool.Return(packet);
    }
}

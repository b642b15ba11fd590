using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.Transforms;

namespace Netipsec.Simulation;

/// <summary>
/// A host or security gateway on a <see cref="SimulatedNetwork"/>, with its own IPsec engine: what it sends goes
/// through <see cref="XfrmOutput"/>, what it receives through <see cref="XfrmInput"/>. Packets for its own addresses
/// land in <see cref="Inbox"/>; others are forwarded (through its outbound policies), so a host with addresses on two
/// sides acts as a gateway.
/// </summary>
/// <remarks>Not thread-safe, like the network.</remarks>
public sealed class SimulatedHost : ISimulatedNode, IXfrmOutputSink, IXfrmInputSink
{
    private readonly SimulatedNetwork _network;
    private readonly HashSet<IpAddress> _addresses = [];

    /// <param name="types">The transforms (and through them the crypto engines) of the host's engine; <see cref="XfrmTypeRegistry.CreateDefault"/> when null.</param>
    public SimulatedHost(
        string name,
        SimulatedNetwork network,
        TimeProvider time,
        XfrmOutputOptions? outputOptions = null,
        PacketPool? pool = null,
        NatTraversalOptions? natTraversal = null,
        XfrmTypeRegistry? types = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        Name = name;
        _network = network;
        Pool = pool ?? new PacketPool(1024);
        Engine = new XfrmEngine(time, types ?? XfrmTypeRegistry.CreateDefault(), natTraversal: natTraversal);
        Output = new XfrmOutput(Engine, this, outputOptions);
        Input = new XfrmInput(Engine, this, _addresses.Contains);
    }

    public string Name { get; }

    public PacketPool Pool { get; }

    public XfrmEngine Engine { get; }

    public XfrmOutput Output { get; }

    public XfrmInput Input { get; }

    /// <summary>
    /// The next hop for everything this host sends (a security gateway or a NAT), or null to reach destinations directly.
    /// </summary>
    public ISimulatedNode? Gateway { get; set; }

    /// <summary>Packets delivered to this host's own addresses, as bytes, oldest first.</summary>
    public List<byte[]> Inbox { get; } = [];

    /// <summary>
    /// TCP and UDP packets for this host whose checksum was wrong, dropped as a host's stack drops them (so a NAT that
    /// broke a transport-mode checksum shows here, not in <see cref="Inbox"/>).
    /// </summary>
    public int ChecksumErrors { get; private set; }

    /// <summary>Gives the host an address on the network.</summary>
    public SimulatedHost WithAddress(string address)
    {
        IpAddress parsed = IpAddress.Parse(address);
        _network.Attach(this, parsed);
        _addresses.Add(parsed);
        return this;
    }

    /// <summary>Sends an IP packet from this host (the bytes are copied into a pooled packet).</summary>
    public XfrmVerdict Send(ReadOnlySpan<byte> ipPacket)
    {
        Packet packet = Pool.Rent();
        ipPacket.CopyTo(packet.Put(ipPacket.Length));
        packet.SetNetworkHeader(0);
        return Output.Output(packet);
    }

    /// <summary>Receives bytes as if they came off the wire (a captured packet replayed, or a forged one).</summary>
    public XfrmVerdict InjectFromWire(ReadOnlySpan<byte> wirePacket)
    {
        Packet packet = Pool.Rent();
        wirePacket.CopyTo(packet.Put(wirePacket.Length));
        return Input.Input(packet);
    }

    /// <summary>
    /// Sends an IP packet from this host straight to the network, past its own policies, as an IKE daemon's socket with
    /// a bypass policy does.
    /// </summary>
    public void SendUnprotected(ReadOnlySpan<byte> ipPacket)
    {
        Packet packet = Pool.Rent();
        ipPacket.CopyTo(packet.Put(ipPacket.Length));
        _network.Carry(packet, this);
    }

    /// <summary>Sends the NAT keepalives its UDP-encapsulated SAs owe (see <see cref="NatTraversalEngine.SendDueKeepalives"/>).</summary>
    public int SendDueKeepalives() => Engine.NatTraversal.SendDueKeepalives(Pool, _addresses.Contains, this);

    void ISimulatedNode.Receive(Packet packet) => Input.Input(packet);

    void IXfrmOutputSink.Transmit(Packet packet) => _network.Carry(packet, this);

    void IXfrmOutputSink.ReturnToSender(Packet icmpError) => ((IXfrmInputSink)this).Deliver(icmpError);

    void IXfrmInputSink.Deliver(Packet packet)
    {
        if (FlowExtractor.TryExtract(packet.Data, 0, out Flow flow, out _) && !_addresses.Contains(flow.Destination))
        {
            Output.Output(packet); // forwarding: the outbound policies decide whether it enters a tunnel
            return;
        }

        if (UpperLayer.TryLocate(packet.Data, out UpperLayer upper) && upper.Protocol is IpProtocol.Tcp or IpProtocol.Udp
            && !InternetChecksum.VerifyTransportChecksum(upper.Source, upper.Destination, upper.Protocol, packet.Data[upper.Offset..upper.End]))
        {
            ChecksumErrors++;
        }
        else
        {
            Inbox.Add(packet.Data.ToArray());
        }

        packet.Pool.Return(packet);
    }
}

using System.Buffers.Binary;
using Netipsec.Packets;

namespace Netipsec.Simulation;

/// <summary>
/// A NAPT box (RFC 3022 §2.2) on a <see cref="SimulatedNetwork"/>, IPv4 only, for NAT-traversal experiments: hosts
/// behind it make it their <see cref="SimulatedHost.Gateway"/>. What they send outside leaves from
/// <see cref="PublicAddress"/>, UDP and TCP from a public port allocated per (inside address, port, protocol), with the
/// IP and transport checksums fixed as a NAT does; what comes back to a mapped public port goes to the inside
/// endpoint. ESP leaves with the address rewritten and comes back to the last inside host that sent ESP. Traffic
/// between inside addresses passes untouched.
/// </summary>
/// <remarks>Not thread-safe, like the network.</remarks>
public sealed class SimulatedNat : ISimulatedNode
{
    private const int SourcePortOffset = 0;
    private const int DestinationPortOffset = 2;

    private readonly SimulatedNetwork _network;
    private readonly IpPrefix _inside;
    private readonly Dictionary<(IpAddress Address, ushort Port, IpProtocol Protocol), ushort> _outward = [];
    private readonly Dictionary<(ushort Port, IpProtocol Protocol), (IpAddress Address, ushort Port)> _inward = [];
    private IpAddress? _lastEspSender;
    private ushort _nextPort;

    /// <param name="name">A name for logs.</param>
    /// <param name="network">The network it is attached to, with <paramref name="publicAddress"/>.</param>
    /// <param name="publicAddress">The address inside hosts share outside.</param>
    /// <param name="inside">The addresses behind the NAT.</param>
    /// <param name="firstPort">The first public port handed out.</param>
    public SimulatedNat(string name, SimulatedNetwork network, IpAddress publicAddress, IpPrefix inside, ushort firstPort = 40000)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (publicAddress.Version != IpVersion.V4)
        {
            throw new ArgumentException("The simulated NAT translates IPv4 only.", nameof(publicAddress));
        }

        Name = name;
        PublicAddress = publicAddress;
        _network = network;
        _inside = inside;
        _nextPort = firstPort;
        network.Attach(this, publicAddress);
    }

    public string Name { get; }

    public IpAddress PublicAddress { get; }

    /// <summary>Packets rewritten (either way).</summary>
    public int Translated { get; private set; }

    /// <summary>Packets dropped: no mapping for them, IPv6, fragments, or too short to translate.</summary>
    public int Dropped { get; private set; }

    /// <summary>The public port an inside endpoint is mapped to, or null when it has sent nothing yet.</summary>
    public ushort? PublicPortOf(IpAddress insideAddress, ushort insidePort, IpProtocol protocol) =>
        _outward.TryGetValue((insideAddress, insidePort, protocol), out ushort port) ? port : null;

    /// <summary>Forgets every mapping, as a NAT reboot or a mapping timeout does: each flow gets a new public port next.</summary>
    public void Rebind()
    {
        _outward.Clear();
        _inward.Clear();
        _lastEspSender = null;
    }

    void ISimulatedNode.Receive(Packet packet)
    {
        if (!UpperLayer.TryLocate(packet.Data, out UpperLayer upper) || upper.Source.Version != IpVersion.V4)
        {
            Drop(packet);
            return;
        }

        bool forwarded = upper.Destination == PublicAddress ? TranslateInward(packet.Data, upper)
            : _inside.Contains(upper.Destination) || TranslateOutward(packet.Data, upper);
        if (!forwarded)
        {
            Drop(packet);
            return;
        }

        _network.Carry(packet, gateway: null);
    }

    private bool TranslateOutward(Span<byte> data, UpperLayer upper)
    {
        if (!_inside.Contains(upper.Source))
        {
            return false;
        }

        ushort? publicPort = null;
        if (HasPorts(upper.Protocol))
        {
            if (upper.End - upper.Offset < ChecksumField(upper.Protocol) + 2)
            {
                return false;
            }

            ushort insidePort = BinaryPrimitives.ReadUInt16BigEndian(data[(upper.Offset + SourcePortOffset)..]);
            var key = (upper.Source, insidePort, upper.Protocol);
            if (!_outward.TryGetValue(key, out ushort port))
            {
                port = _nextPort++;
                _outward[key] = port;
                _inward[(port, upper.Protocol)] = (upper.Source, insidePort);
            }

            publicPort = port;
        }
        else if (upper.Protocol == IpProtocol.Esp)
        {
            _lastEspSender = upper.Source;
        }

        Rewrite(data, upper, Ipv4Header.SourceOffset, SourcePortOffset, PublicAddress, publicPort);
        return true;
    }

    private bool TranslateInward(Span<byte> data, UpperLayer upper)
    {
        if (HasPorts(upper.Protocol))
        {
            if (upper.End - upper.Offset < ChecksumField(upper.Protocol) + 2)
            {
                return false;
            }

            ushort publicPort = BinaryPrimitives.ReadUInt16BigEndian(data[(upper.Offset + DestinationPortOffset)..]);
            if (!_inward.TryGetValue((publicPort, upper.Protocol), out (IpAddress Address, ushort Port) inside))
            {
                return false;
            }

            Rewrite(data, upper, Ipv4Header.DestinationOffset, DestinationPortOffset, inside.Address, inside.Port);
            return true;
        }

        if (upper.Protocol == IpProtocol.Esp && _lastEspSender is { } espHost)
        {
            Rewrite(data, upper, Ipv4Header.DestinationOffset, DestinationPortOffset, espHost, null);
            return true;
        }

        return false;
    }

    /// <summary>Replaces one address (and port) and fixes the IP header checksum and a TCP/UDP checksum incrementally, as a NAT does.</summary>
    private void Rewrite(Span<byte> data, UpperLayer upper, int addressOffset, int portOffset, IpAddress address, ushort? port)
    {
        uint oldAddress = BinaryPrimitives.ReadUInt32BigEndian(data[addressOffset..]);
        Span<byte> newBytes = stackalloc byte[4];
        address.WriteTo(newBytes);
        uint newAddress = BinaryPrimitives.ReadUInt32BigEndian(newBytes);
        BinaryPrimitives.WriteUInt32BigEndian(data[addressOffset..], newAddress);
        new Ipv4Header(data).UpdateChecksum();
        if (HasPorts(upper.Protocol))
        {
            Span<byte> transport = data[upper.Offset..upper.End];
            Span<byte> checksumField = transport[ChecksumField(upper.Protocol)..];
            ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(checksumField);
            ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(transport[portOffset..]);
            ushort newPort = port ?? oldPort;
            BinaryPrimitives.WriteUInt16BigEndian(transport[portOffset..], newPort);
            bool udpWithoutChecksum = upper.Protocol == IpProtocol.Udp && checksum == 0;
            if (!udpWithoutChecksum)
            {
                checksum = InternetChecksum.Update(InternetChecksum.Update(checksum, oldAddress, newAddress), oldPort, newPort);
                BinaryPrimitives.WriteUInt16BigEndian(checksumField, upper.Protocol == IpProtocol.Udp && checksum == 0 ? (ushort)0xFFFF : checksum);
            }
        }

        Translated++;
    }

    private static bool HasPorts(IpProtocol protocol) => protocol is IpProtocol.Udp or IpProtocol.Tcp;

    private static int ChecksumField(IpProtocol protocol) =>
        protocol == IpProtocol.Tcp ? InternetChecksum.TcpChecksumOffset : InternetChecksum.UdpChecksumOffset;

    private void Drop(Packet packet)
    {
        Dropped++;
        packet.Pool.Return(packet);
    }
}

using Netipsec.Packets;

namespace Netipsec.Simulation;

/// <summary>
/// An in-memory IP network joining <see cref="SimulatedHost"/>s (and <see cref="SimulatedNat"/> boxes): a packet handed
/// to it is delivered, synchronously, to the sender's gateway, or else to the node that owns its destination address.
/// For demos, tests of key managers and experiments with the stack, all in one process and deterministic.
/// </summary>
/// <remarks>Not thread-safe: drive one network from one thread.</remarks>
public sealed class SimulatedNetwork
{
    private readonly Dictionary<IpAddress, ISimulatedNode> _owners = [];

    /// <summary>Packets whose destination no host owns (or that did not parse), returned to their pools.</summary>
    public int Unroutable { get; private set; }

    /// <summary>Every packet that crossed the network, as bytes, oldest first (for inspection).</summary>
    public List<byte[]> Wire { get; } = [];

    internal void Attach(ISimulatedNode node, IpAddress address)
    {
        if (!_owners.TryAdd(address, node))
        {
            throw new ArgumentException($"{address} already belongs to {_owners[address].Name}.", nameof(address));
        }
    }

    /// <summary>
    /// Carries <paramref name="packet"/> from <paramref name="sender"/> to its next hop: the sender's gateway when it
    /// has one (and the gateway is not the destination itself), otherwise the host owning the destination. Ownership passes.
    /// </summary>
    public void Carry(Packet packet, SimulatedHost sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        Carry(packet, sender.Gateway);
    }

    /// <summary>Carries <paramref name="packet"/> to <paramref name="gateway"/>, or to the owner of its destination when null or the owner itself.</summary>
    internal void Carry(Packet packet, ISimulatedNode? gateway)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Wire.Add(packet.Data.ToArray());
        packet.ResetMetadata();
        if (TryDestination(packet.Data, out IpAddress destination))
        {
            ISimulatedNode? owner = _owners.GetValueOrDefault(destination);
            ISimulatedNode? nextHop = gateway is not null && gateway != owner ? gateway : owner;
            if (nextHop is not null)
            {
                nextHop.Receive(packet);
                return;
            }
        }

        Unroutable++;
        packet.Pool.Return(packet);
    }

    private static bool TryDestination(ReadOnlySpan<byte> packet, out IpAddress destination)
    {
        destination = default;
        if (packet.Length >= Ipv4Header.MinLength && packet[0] >> 4 == 4)
        {
            destination = IpAddress.Read(packet.Slice(16, 4));
            return true;
        }

        if (packet.Length >= Ipv6Header.Length && packet[0] >> 4 == 6)
        {
            destination = IpAddress.Read(packet.Slice(24, 16));
            return true;
        }

        return false;
    }
}

using Netipsec.Packets;

namespace Netipsec.Simulation;

/// <summary>Anything a <see cref="SimulatedNetwork"/> delivers packets to: a host or gateway, or a NAT box.</summary>
public interface ISimulatedNode
{
    /// <summary>A name for logs and errors.</summary>
    string Name { get; }

    /// <summary>A packet arrives from the network; ownership passes.</summary>
    void Receive(Packet packet);
}

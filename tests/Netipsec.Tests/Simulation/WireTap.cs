using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// Protects packets with a host's engine (its SAD, SPD and counters) without putting them on the network, so a test can
/// hold a protected packet back, tamper with it, reorder it or replay it, and then <see cref="Inject"/> it where it wants.
/// </summary>
internal sealed class WireTap : IXfrmOutputSink
{
    public WireTap(SimulatedHost host, XfrmOutputOptions? options = null)
    {
        Host = host;
        Output = new XfrmOutput(host.Engine, this, options);
    }

    public SimulatedHost Host { get; }

    /// <summary>A second Tx path over the host's engine, whose sink is this tap.</summary>
    public XfrmOutput Output { get; }

    /// <summary>What the engine would have sent, oldest first.</summary>
    public List<byte[]> Captured { get; } = [];

    /// <summary>ICMP errors the engine would have returned to the sender.</summary>
    public List<byte[]> ReturnedToSender { get; } = [];

    /// <summary>Runs <paramref name="ipPacket"/> through the host's Tx path and returns the one packet it sent.</summary>
    public byte[] Protect(ReadOnlySpan<byte> ipPacket)
    {
        int before = Captured.Count;
        Assert.Equal(XfrmVerdict.Passed, Output.Output(Copy(Host, ipPacket)));
        Assert.Equal(before + 1, Captured.Count);
        return Captured[^1];
    }

    /// <summary>Hands a copy of <paramref name="wirePacket"/> to <paramref name="host"/>'s Rx path, as if it had arrived.</summary>
    public static XfrmVerdict Inject(SimulatedHost host, ReadOnlySpan<byte> wirePacket) => host.Input.Input(Copy(host, wirePacket));

    private static Packet Copy(SimulatedHost host, ReadOnlySpan<byte> bytes)
    {
        Packet packet = host.Pool.Rent();
        bytes.CopyTo(packet.Put(bytes.Length));
        packet.SetNetworkHeader(0);
        return packet;
    }

    void IXfrmOutputSink.Transmit(Packet packet)
    {
        Captured.Add(packet.Data.ToArray());
        packet.Pool.Return(packet);
    }

    void IXfrmOutputSink.ReturnToSender(Packet icmpError)
    {
        ReturnedToSender.Add(icmpError.Data.ToArray());
        icmpError.Pool.Return(icmpError);
    }
}

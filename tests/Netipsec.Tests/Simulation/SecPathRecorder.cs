using Netipsec.Engine;
using Netipsec.Packets;

namespace Netipsec.Tests.Simulation;

/// <summary>An Rx sink that keeps what was delivered and the SPIs of its secpath, outermost first.</summary>
internal sealed class SecPathRecorder : IXfrmInputSink
{
    public List<(byte[] Packet, uint[] SecPath)> Delivered { get; } = [];

    public void Deliver(Packet packet)
    {
        uint[] spis = new uint[packet.SecPath.Count];
        for (int i = 0; i < spis.Length; i++)
        {
            spis[i] = packet.SecPath[i].Spi;
        }

        Delivered.Add((packet.Data.ToArray(), spis));
        packet.Pool.Return(packet);
    }
}

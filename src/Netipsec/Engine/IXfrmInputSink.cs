using Netipsec.Packets;

namespace Netipsec.Engine;

/// <summary>Receives the packets <see cref="XfrmInput"/> lets through: ownership passes with each call.</summary>
public interface IXfrmInputSink
{
    /// <summary>A packet that passed inbound processing, as the plain IP packet the host (or the next hop) gets.</summary>
    void Deliver(Packet packet);
}

using Netipsec.Packets;

namespace Netipsec.Engine;

/// <summary>Receives the packets <see cref="XfrmOutput"/> produces: ownership passes with each call.</summary>
public interface IXfrmOutputSink
{
    /// <summary>A packet for the wire: protected by its bundle (possibly one fragment of it), or unprotected when no policy applies.</summary>
    void Transmit(Packet packet);

    /// <summary>An ICMP "fragmentation needed" / "Packet Too Big" error to send back towards the sender of a packet that did not fit.</summary>
    void ReturnToSender(Packet icmpError);
}

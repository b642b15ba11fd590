namespace Netipsec.Packets;

/// <summary>Which way a <see cref="Packet"/> is travelling through the stack.</summary>
public enum PacketDirection : byte
{
    /// <summary>Arriving from the wire (the Rx path, Linux's xfrm_input).</summary>
    In = 0,

    /// <summary>Leaving through the stack (the Tx path, Linux's xfrm_output).</summary>
    Out = 1,
}

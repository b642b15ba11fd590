using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Transforms;

/// <summary>
/// One IPsec protocol's transform (Linux's xfrm_type): ESP, AH or IPComp. Implementations are stateless singletons;
/// per-SA state (prepared keys, IV counters) lives on the SA, created by <see cref="Init"/> and freed by
/// <see cref="Destroy"/>.
/// </summary>
/// <remarks>
/// <para>Output contract. Before <see cref="Output"/> the SA's mode has laid the packet out as
/// <c>[IP header(s)][gap of HeaderLength bytes][payload to protect]</c>: the network header mark on the (outer) IP
/// header, the transport header mark on the gap, <see cref="Packet.InnerProtocol"/> naming the payload and
/// <see cref="Packet.NextHeaderFieldOffset"/> the byte that must name this protocol. The transform fills the gap,
/// protects the payload, appends its trailer (at most <see cref="TrailerLength"/> bytes) and writes its protocol
/// number into that byte. The mode then fixes the IP lengths and checksum.</para>
/// <para>Input contract. Before <see cref="Input"/> the engine has parsed the packet: network header mark on the
/// outer IP header, transport header mark on this protocol's header, <see cref="Packet.NextHeaderFieldOffset"/> on
/// the byte that names it, and the anti-replay check has passed. The transform verifies and decrypts in place,
/// removes its header and trailer (the data then holds the IP header(s) followed directly by the recovered
/// payload, the transport mark on the payload) and sets <see cref="Packet.InnerProtocol"/>. It never advances the
/// replay window: the engine does that after success.</para>
/// <para>Both directions are safe to call from several threads for one SA; they allocate nothing per packet.</para>
/// </remarks>
public interface IXfrmType
{
    IpsecProtocol Protocol { get; }

    /// <summary>Prepares the SA once (key schedule, IV source); <see cref="TransformStatus.Unsupported"/> when its algorithms or keys do not fit.</summary>
    TransformStatus Init(SecurityAssociation sa);

    /// <summary>Frees what <see cref="Init"/> prepared, wiping key material. Safe to call more than once.</summary>
    void Destroy(SecurityAssociation sa);

    /// <summary>Bytes the transform puts in front of the payload (ESP: header and IV).</summary>
    int HeaderLength(SecurityAssociation sa);

    /// <summary>The most bytes the transform appends to a payload of <paramref name="payloadLength"/> bytes (ESP: padding, trailer, ICV).</summary>
    int TrailerLength(SecurityAssociation sa, int payloadLength);

    /// <summary>Protects the packet laid out as the output contract says, with sequence number <paramref name="sequence"/> (64 bits with ESN).</summary>
    TransformStatus Output(SecurityAssociation sa, Packet packet, ulong sequence);

    /// <summary>Verifies and recovers the packet as the input contract says; <paramref name="sequenceHigh"/> is the ESN high half the replay check inferred (0 without ESN).</summary>
    TransformStatus Input(SecurityAssociation sa, Packet packet, uint sequenceHigh);
}

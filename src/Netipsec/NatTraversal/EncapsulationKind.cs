namespace Netipsec.NatTraversal;

/// <summary>What a received packet is to NAT traversal (Linux's udp_esp_encap decision).</summary>
internal enum EncapsulationKind
{
    /// <summary>Not UDP to a local NAT-T port: ordinary traffic.</summary>
    NotEncapsulated,

    /// <summary>ESP in UDP (RFC 3948 §2.1): a non-zero SPI where the payload starts.</summary>
    Esp,

    /// <summary>A NAT keepalive (RFC 3948 §2.3): the single byte 0xFF.</summary>
    Keepalive,

    /// <summary>Anything else on the port, normally IKE behind the non-ESP marker (RFC 3948 §2.2).</summary>
    Ike,

    /// <summary>UDP to a NAT-T port whose UDP length field does not fit the packet.</summary>
    Malformed,
}

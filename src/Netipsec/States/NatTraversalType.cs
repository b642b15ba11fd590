namespace Netipsec.States;

/// <summary>How a NAT-traversing SA encapsulates its packets; values are Linux's UDP_ENCAP_* numbers.</summary>
public enum NatTraversalType : byte
{
    /// <summary>ESP in UDP, with no marker before the SPI (RFC 3948 §2.1).</summary>
    EspInUdp = 2,
}

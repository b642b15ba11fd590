namespace Netipsec.Engine;

/// <summary>What the engine did with a packet it was given; the packet then belongs to whoever the verdict names.</summary>
public enum XfrmVerdict
{
    /// <summary>Handed to the sink: delivered inward (input) or sent to the wire protected (output).</summary>
    Passed,

    /// <summary>Output only: no IPsec policy applies; handed to the sink unprotected.</summary>
    Bypassed,

    /// <summary>Output only: kept in the policy's hold queue until its SAs arrive.</summary>
    Held,

    /// <summary>Output only: too big for the path; an ICMP error went back towards the sender instead.</summary>
    TooBig,

    /// <summary>Dropped and counted in exactly one MIB counter; the packet went back to its pool.</summary>
    Dropped,

    /// <summary>Input only: a TFC dummy packet, dropped by design (RFC 4303 §2.6).</summary>
    Dummy,

    /// <summary>
    /// Input only: an outer fragment, kept by the reassembler (or ignored as a duplicate) until its datagram is whole;
    /// the datagram is processed by the <see cref="XfrmInput.Input"/> call that completes it. Not a drop: no MIB counter.
    /// </summary>
    Reassembling,

    /// <summary>Input only: a NAT keepalive on a NAT-T port, dropped by design (RFC 3948 §2.3). Not a drop: no MIB counter.</summary>
    Keepalive,

    /// <summary>Input only: an IKE packet on a NAT-T port, handed to the engine's IKE handler, which now owns it.</summary>
    HandedToIke,
}

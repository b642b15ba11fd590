namespace Netipsec.Engine;

/// <summary>
/// Why the engine dropped a packet: one value per XFRM MIB counter (the Linux chapter's Table 10-1 plus
/// XfrmAcquireError), so every drop increments exactly one counter. The names are the /proc/net/xfrm_stat names
/// without the "Xfrm" prefix.
/// </summary>
public enum DropReason
{
    /// <summary>Not a drop.</summary>
    None = 0,

    /// <summary>An input error no other counter describes.</summary>
    InError,

    /// <summary>No buffer (pool empty, no room to grow) on input.</summary>
    InBufferError,

    /// <summary>A malformed or truncated header on input.</summary>
    InHdrError,

    /// <summary>No SA for the (destination, SPI, protocol) of an inbound IPsec packet.</summary>
    InNoStates,

    /// <summary>The transform refused the packet: ICV mismatch, bad padding, bad trailer.</summary>
    InStateProtoError,

    /// <summary>The SA's mode could not restore the packet (bad inner header).</summary>
    InStateModeError,

    /// <summary>Sequence number outside the window or already seen.</summary>
    InStateSeqError,

    /// <summary>The SA has expired (hard) or died while the packet was processed.</summary>
    InStateExpired,

    /// <summary>The SA does not fit the packet (NAT-T encapsulation or selector mismatch).</summary>
    InStateMismatch,

    /// <summary>The SA is not usable (larval, dead).</summary>
    InStateInvalid,

    /// <summary>The SAs that processed the packet do not satisfy the inbound policy's templates.</summary>
    InTmplMismatch,

    /// <summary>IPsec-processed traffic matched no inbound policy.</summary>
    InNoPols,

    /// <summary>An inbound policy blocks the traffic.</summary>
    InPolBlock,

    /// <summary>An inbound policy could not be evaluated.</summary>
    InPolError,

    /// <summary>An output error no other counter describes.</summary>
    OutError,

    /// <summary>The bundle could not be built (e.g. nesting deeper than allowed).</summary>
    OutBundleGenError,

    /// <summary>A built bundle failed its consistency check.</summary>
    OutBundleCheckError,

    /// <summary>No SA yet for a template of the outbound policy (larval drop or hold queue full).</summary>
    OutNoStates,

    /// <summary>The transform failed on output.</summary>
    OutStateProtoError,

    /// <summary>The SA's mode could not encapsulate the packet.</summary>
    OutStateModeError,

    /// <summary>The SA ran out of sequence numbers.</summary>
    OutStateSeqError,

    /// <summary>The SA expired (hard) on output.</summary>
    OutStateExpired,

    /// <summary>An outbound policy blocks the traffic.</summary>
    OutPolBlock,

    /// <summary>The policy died while the packet was on its way.</summary>
    OutPolDead,

    /// <summary>An outbound policy could not be evaluated.</summary>
    OutPolError,

    /// <summary>A forwarded packet's header could not be parsed for the policy check.</summary>
    FwdHdrError,

    /// <summary>The SA is not valid for output (larval, dead).</summary>
    OutStateInvalid,

    /// <summary>A packet needed an SA, but no key manager is registered to take the ACQUIRE, so none will come.</summary>
    AcquireError,
}

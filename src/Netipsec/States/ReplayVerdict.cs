namespace Netipsec.States;

/// <summary>What the inbound anti-replay window says about a sequence number (RFC 4303 §3.4.3).</summary>
public enum ReplayVerdict
{
    /// <summary>
    /// New: right of the window (a future number, the window slides when it is advanced) or inside the window and
    /// not seen yet. Also every number when anti-replay is disabled.
    /// </summary>
    Accepted,

    /// <summary>Inside the window and already authenticated once: a duplicate.</summary>
    Replayed,

    /// <summary>Left of the window: older than the window can tell apart, so it is dropped (RFC 4303 §3.4.3).</summary>
    TooOld,

    /// <summary>
    /// No sender could have used this number on the SA: zero (the first packet carries 1, RFC 4303 §3.3.3), or with
    /// extended sequence numbers a number whose inferred high-order half would fall before 1 or beyond 2^64−1
    /// (RFC 4303 Appendix A2.2 applied at the ends of the 64-bit space), or a non-zero high half on an SA without
    /// extended sequence numbers.
    /// </summary>
    Invalid,
}

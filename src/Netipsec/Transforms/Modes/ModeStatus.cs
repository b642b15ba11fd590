namespace Netipsec.Transforms.Modes;

/// <summary>What an IPsec mode (<see cref="XfrmModes"/>) made of a packet.</summary>
public enum ModeStatus
{
    /// <summary>Done; the packet is laid out as the output or input contract says.</summary>
    Ok,

    /// <summary>
    /// The packet cannot be processed as it stands: on output the IP packet to protect does not parse; on input the
    /// header marks are missing or inconsistent, the inner packet is not the version the IPsec trailer named, or an
    /// inner header or BEET pseudo-header is truncated or invalid (Linux counts these as XfrmInStateModeError /
    /// XfrmOutStateModeError).
    /// </summary>
    Malformed,

    /// <summary>
    /// No room for the new headers and trailer: the buffer cannot grow that far, or the protected packet would be
    /// longer than its IP length field can say (65535 bytes for IPv4, a 65535-byte payload for IPv6).
    /// </summary>
    NoRoom,

    /// <summary>
    /// The SA cannot carry the packet in its mode: an unknown mode, SA addresses of different or no family, or for
    /// BEET an inner family different from the outer one or an inner selector that is missing or not a pair of hosts.
    /// </summary>
    Unsupported,

    /// <summary>
    /// Tunnel decapsulation found the outer header marked CE (congestion experienced) over an inner packet that is
    /// not ECN-capable: RFC 6040 §4.2 requires the packet to be dropped, since the mark cannot be passed on.
    /// </summary>
    EcnDrop,
}

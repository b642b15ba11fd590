namespace Netipsec.Transforms;

/// <summary>What a transform (<see cref="IXfrmType"/>) made of an SA or a packet.</summary>
public enum TransformStatus
{
    /// <summary>Done; the packet is transformed in place.</summary>
    Ok,

    /// <summary>
    /// Init: the SA's algorithms or key sizes are not supported by this transform. Output/Input: the SA was never
    /// prepared by Init, or already destroyed.
    /// </summary>
    Unsupported,

    /// <summary>The ICV did not verify: forged, corrupted or wrongly keyed (input only; counts as an integrity failure).</summary>
    IntegrityFailed,

    /// <summary>The packet is too short, or its padding, pad length or next header is invalid after decryption.</summary>
    Malformed,

    /// <summary>No room to add the header or trailer, even after trying to grow the buffer.</summary>
    NoRoom,

    /// <summary>A valid TFC dummy packet (next header 59, RFC 4303 §2.6): drop it without complaint.</summary>
    Dummy,

    /// <summary>The SA's IV space is used up; it must not send again (output only).</summary>
    IvExhausted,
}

namespace Netipsec.Transforms.Modes;

/// <summary>
/// The ECN rules for IP-in-IP tunnels (RFC 6040): what the encapsulator puts in the outer header and how the
/// decapsulator combines the outer and inner ECN fields. Stateless; values are the 2-bit ECN field (RFC 3168 §5).
/// </summary>
internal static class EcnTunneling
{
    /// <summary>Not ECN-capable transport.</summary>
    public const int NotEct = 0;

    /// <summary>ECN-capable transport, codepoint ECT(1).</summary>
    public const int Ect1 = 1;

    /// <summary>ECN-capable transport, codepoint ECT(0).</summary>
    public const int Ect0 = 2;

    /// <summary>Congestion experienced.</summary>
    public const int Ce = 3;

    /// <summary>Returned by <see cref="Decapsulate"/> when the packet must be dropped.</summary>
    public const int Drop = -1;

    /// <summary>
    /// The outer ECN field for an inner one, in normal mode (RFC 6040 §4.1): a copy, except that CE becomes ECT(0) so
    /// that congestion marked before the tunnel is not reported again by the tunnel's own path.
    /// </summary>
    public static int Encapsulate(int innerEcn) => innerEcn == Ce ? Ect0 : innerEcn;

    /// <summary>
    /// The inner ECN field to forward after decapsulation, or <see cref="Drop"/> (RFC 6040 §4.2, Figure 4).
    /// </summary>
    /// <remarks>
    /// <code>
    ///                 outer:  Not-ECT   ECT(0)    ECT(1)    CE
    ///   inner Not-ECT         Not-ECT   Not-ECT   Not-ECT   drop
    ///   inner ECT(0)          ECT(0)    ECT(0)    ECT(1)    CE
    ///   inner ECT(1)          ECT(1)    ECT(1)    ECT(1)    CE
    ///   inner CE              CE        CE        CE        CE
    /// </code>
    /// The combinations RFC 6040 flags as currently unused (an ECN-capable outer over a Not-ECT inner, an inner CE
    /// under outer ECT(1)) are forwarded as the table says; they are not counted separately.
    /// </remarks>
    public static int Decapsulate(int innerEcn, int outerEcn)
    {
        if (innerEcn == NotEct)
        {
            return outerEcn == Ce ? Drop : NotEct;
        }

        if (outerEcn == Ce)
        {
            return Ce;
        }

        // ECT(1) in the outer header may be a congestion signal (RFC 6040 §4.2, ECT(1) as in RFC 8311): keep it.
        return innerEcn == Ect0 && outerEcn == Ect1 ? Ect1 : innerEcn;
    }
}

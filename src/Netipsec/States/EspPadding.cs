namespace Netipsec.States;

/// <summary>
/// What an ESP sender writes into the padding in front of the pad length (RFC 4303 §2.4), as KAME's setkey chooses it
/// with <c>-f seq-pad</c>, <c>-f zero-pad</c> and <c>-f random-pad</c>. Only the default lets the receiver check the
/// padding: with the others any padding bytes are accepted.
/// </summary>
public enum EspPadding
{
    /// <summary>1, 2, 3, ... (RFC 4303 §2.4's default); the receiver drops a packet whose padding differs.</summary>
    Sequential = 0,

    /// <summary>Zero bytes (KAME's SADB_X_EXT_PZERO).</summary>
    Zero = 1,

    /// <summary>Random bytes from the operating system's CSPRNG (KAME's SADB_X_EXT_PRAND).</summary>
    Random = 2,
}

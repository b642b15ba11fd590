namespace Netipsec.Policies;

/// <summary>What a matching policy does with the packet (setkey's ipsec / none / discard).</summary>
public enum PolicyAction : byte
{
    /// <summary>Protect (out) or require protection (in, fwd) by the policy's templates.</summary>
    Ipsec,

    /// <summary>Let the packet pass without IPsec.</summary>
    Bypass,

    /// <summary>Drop the packet.</summary>
    Block,
}

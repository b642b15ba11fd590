namespace Netipsec.Policies;

/// <summary>Which traffic a policy applies to; the values are Linux's XFRM_POLICY_IN/OUT/FWD.</summary>
public enum PolicyDirection : byte
{
    In = 0,
    Out = 1,
    Fwd = 2,
}

namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_x_policy_type</c>: IPSEC_POLICY_* of <c>linux/ipsec.h</c>.</summary>
public enum IpsecPolicyType : ushort
{
    Discard = 0,
    None = 1,
    Ipsec = 2,

    /// <summary>IPSEC_POLICY_ENTRUST: defer to the system default (KAME).</summary>
    Entrust = 3,
    Bypass = 4,
}

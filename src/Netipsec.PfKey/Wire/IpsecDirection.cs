namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_x_policy_dir</c>: IPSEC_DIR_* of <c>linux/ipsec.h</c>.</summary>
public enum IpsecDirection : byte
{
    Any = 0,
    Inbound = 1,
    Outbound = 2,

    /// <summary>IPSEC_DIR_FWD: Linux's forward direction.</summary>
    Fwd = 3,

    /// <summary>IPSEC_DIR_INVALID: never valid in a request.</summary>
    Invalid = 5,
}

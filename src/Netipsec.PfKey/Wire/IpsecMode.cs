namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_x_sa2_mode</c> and <c>sadb_x_ipsecrequest_mode</c>: IPSEC_MODE_* of <c>linux/ipsec.h</c>.</summary>
public enum IpsecMode : byte
{
    /// <summary>IPSEC_MODE_ANY: valid in a policy request, not for an SA.</summary>
    Any = 0,
    Transport = 1,
    Tunnel = 2,
    Beet = 3,
}

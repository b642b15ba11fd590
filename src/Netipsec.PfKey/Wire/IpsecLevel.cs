namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_x_ipsecrequest_level</c>: IPSEC_LEVEL_* of <c>linux/ipsec.h</c>.</summary>
public enum IpsecLevel : byte
{
    Default = 0,
    Use = 1,
    Require = 2,

    /// <summary>IPSEC_LEVEL_UNIQUE: an SA of its own, bound by reqid.</summary>
    Unique = 3,
}

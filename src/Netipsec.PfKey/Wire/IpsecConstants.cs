namespace Netipsec.PfKey.Wire;

/// <summary>The plain numbers of <c>linux/ipsec.h</c> that are not enumerations.</summary>
public static class IpsecConstants
{
    /// <summary>IPSEC_PORT_ANY: a wildcard port in an address extension.</summary>
    public const ushort PortAny = 0;

    /// <summary>IPSEC_ULPROTO_ANY: a wildcard upper-layer protocol in <c>sadb_address_proto</c>.</summary>
    public const byte UlProtoAny = 255;

    /// <summary>IPSEC_PROTO_ANY: a wildcard IPsec protocol.</summary>
    public const byte ProtoAny = 255;

    /// <summary>IPSEC_MANUAL_REQID_MAX: reqids up to this value are the user's; larger ones are allocated.</summary>
    public const uint ManualReqidMax = 0x3fff;

    /// <summary>IPSEC_REPLAYWSIZE: the default replay window, in packets.</summary>
    public const int ReplayWindowSize = 32;
}

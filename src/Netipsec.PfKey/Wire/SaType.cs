namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_msg_satype</c>: the security service a message is about (Linux numbering, RFC 2367 §2.3.2).</summary>
public enum SaType : byte
{
    /// <summary>SADB_SATYPE_UNSPEC: any type, for messages such as FLUSH, DUMP and REGISTER.</summary>
    Unspecified = 0,
    Ah = 2,
    Esp = 3,
    Rsvp = 5,
    Ospfv2 = 6,
    Ripv2 = 7,
    Mip = 8,

    /// <summary>SADB_X_SATYPE_IPCOMP.</summary>
    IpComp = 9,
}

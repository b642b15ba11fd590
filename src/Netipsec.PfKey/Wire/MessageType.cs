namespace Netipsec.PfKey.Wire;

/// <summary>
/// <c>sadb_msg_type</c>: what a PF_KEY message asks or reports. Values 0..24 are Linux's (<c>linux/pfkeyv2.h</c>);
/// 32 and up are the Solaris additions Netipsec defines in <c>include/netipsec/pfkeyv2_ext.h</c>.
/// </summary>
public enum MessageType : byte
{
    /// <summary>SADB_RESERVED: never valid in a message.</summary>
    Reserved = 0,
    GetSpi = 1,
    Update = 2,
    Add = 3,
    Delete = 4,
    Get = 5,
    Acquire = 6,
    Register = 7,
    Expire = 8,
    Flush = 9,
    Dump = 10,

    /// <summary>SADB_X_PROMISC: the socket sees every message.</summary>
    Promisc = 11,

    /// <summary>SADB_X_PCHANGE: a policy changed (KAME).</summary>
    PChange = 12,
    SpdUpdate = 13,
    SpdAdd = 14,
    SpdDelete = 15,
    SpdGet = 16,
    SpdAcquire = 17,
    SpdDump = 18,
    SpdFlush = 19,
    SpdSetIdx = 20,
    SpdExpire = 21,

    /// <summary>SADB_X_SPDDELETE2: delete a policy by its id.</summary>
    SpdDelete2 = 22,
    NatTNewMapping = 23,
    Migrate = 24,

    /// <summary>SADB_X_INVERSE_ACQUIRE (Netipsec 32): ask which policy applies to an address pair.</summary>
    InverseAcquire = 32,

    /// <summary>SADB_X_UPDATEPAIR (Netipsec 33): update an SA and its paired SA together.</summary>
    UpdatePair = 33,

    /// <summary>SADB_X_DELPAIR (Netipsec 34): delete an SA and its paired SA together.</summary>
    DelPair = 34,
}

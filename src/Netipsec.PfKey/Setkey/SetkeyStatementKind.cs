namespace Netipsec.PfKey.Setkey;

/// <summary>What a setkey(8) statement does, which decides how its replies are read.</summary>
public enum SetkeyStatementKind
{
    /// <summary><c>add</c>: SADB_ADD, one reply.</summary>
    Add,

    /// <summary><c>get</c>: SADB_GET, one reply carrying the SA (printed).</summary>
    Get,

    /// <summary><c>delete</c>: SADB_DELETE, one reply.</summary>
    Delete,

    /// <summary>
    /// <c>deleteall</c>: SADB_DUMP of the protocol, then one SADB_DELETE per SA between the statement's two
    /// addresses (<see cref="SetkeyStatement.DeleteAllSource"/>, <see cref="SetkeyStatement.DeleteAllDestination"/>).
    /// </summary>
    DeleteAll,

    /// <summary><c>flush</c>: SADB_FLUSH, one reply.</summary>
    Flush,

    /// <summary><c>dump</c>: SADB_DUMP, one reply per SA, the last with sequence 0.</summary>
    Dump,

    /// <summary><c>spdadd</c>: SADB_X_SPDADD, one reply.</summary>
    SpdAdd,

    /// <summary><c>spdupdate</c>: SADB_X_SPDUPDATE, one reply.</summary>
    SpdUpdate,

    /// <summary><c>spddelete</c>: SADB_X_SPDDELETE, one reply.</summary>
    SpdDelete,

    /// <summary><c>spdflush</c>: SADB_X_SPDFLUSH, one reply.</summary>
    SpdFlush,

    /// <summary><c>spddump</c>: SADB_X_SPDDUMP, one reply per policy, the last with sequence 0.</summary>
    SpdDump,
}

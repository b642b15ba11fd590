namespace Netipsec.PfKey.Wire;

/// <summary>Protocol numbers and sizes of PF_KEY v2 (RFC 2367 §2) shared by the reader and the writer.</summary>
public static class PfKeyConstants
{
    /// <summary>PF_KEY_V2: the only <c>sadb_msg_version</c> accepted.</summary>
    public const byte Version = 2;

    /// <summary>PFKEYV2_REVISION.</summary>
    public const long Revision = 199806;

    /// <summary>Messages and extensions are multiples of 8 bytes, and their lengths count 8-byte units.</summary>
    public const int Alignment = 8;

    /// <summary>sizeof(struct sadb_msg).</summary>
    public const int HeaderLength = 16;

    /// <summary>sizeof(struct sadb_ext): the length and type every extension starts with.</summary>
    public const int ExtensionHeaderLength = 4;

    /// <summary>The largest message: <c>sadb_msg_len</c> is 16 bits of 8-byte units.</summary>
    public const int MaxMessageLength = ushort.MaxValue * Alignment;

    /// <summary>SADB_X_DIAGNOSTIC_MAX: the largest diagnostic code.</summary>
    public const ushort DiagnosticMax = 79;
}

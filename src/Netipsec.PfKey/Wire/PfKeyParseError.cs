namespace Netipsec.PfKey.Wire;

/// <summary>
/// Why <see cref="PfKeyMessage.TryParse"/> refused a message. <see cref="PfKeyErrors"/> turns each reason, with the
/// extension it concerns, into the errno and diagnostic of the reply.
/// </summary>
public enum PfKeyParseError
{
    None = 0,

    /// <summary>Shorter than a base header (EMSGSIZE).</summary>
    TooShort,

    /// <summary><c>sadb_msg_version</c> is not PF_KEY_V2 (EINVAL).</summary>
    BadVersion,

    /// <summary><c>sadb_msg_type</c> is reserved or not known (EINVAL, UNKNOWN_MSG).</summary>
    UnknownMessageType,

    /// <summary><c>sadb_msg_len</c> in 8-byte units is not the length received (EMSGSIZE).</summary>
    LengthMismatch,

    /// <summary><c>sadb_msg_satype</c> is not a known SA type (EINVAL, UNKNOWN_SATYPE).</summary>
    UnknownSaType,

    /// <summary>A client's <c>sadb_msg_reserved</c> is not zero: the diagnostic belongs to replies (EINVAL).</summary>
    ReservedNotZero,

    /// <summary>A client set <c>sadb_msg_errno</c> on a message other than a failure ACQUIRE (EINVAL).</summary>
    UnexpectedErrno,

    /// <summary>A reply's diagnostic is not one of the known codes (EINVAL).</summary>
    UnknownDiagnostic,

    /// <summary>A message with <c>sadb_msg_errno</c> set carries extensions: an error is the base header alone (EINVAL).</summary>
    ErrorWithExtensions,

    /// <summary>An extension length is zero or runs past the end of the message (EINVAL, BAD_EXTLEN).</summary>
    BadExtensionLength,

    /// <summary>An extension type is reserved or not known (EINVAL, UNKNOWN_EXT).</summary>
    UnknownExtension,

    /// <summary>An extension type occurs twice (EINVAL, DUPLICATE_* of that extension).</summary>
    DuplicateExtension,

    /// <summary>An extension is shorter than its structure, or its inner lengths disagree (EINVAL, MALFORMED_*).</summary>
    MalformedExtension,

    /// <summary>A sockaddr's family is neither AF_INET nor AF_INET6 (EINVAL, BAD_*_AF).</summary>
    BadAddressFamily,

    /// <summary>A sockaddr does not fit in its extension (EINVAL, MALFORMED_*).</summary>
    BadSockaddrLength,

    /// <summary>A prefix length exceeds the address's bits (EINVAL, PREFIX_INNER_* or MALFORMED_*).</summary>
    BadPrefixLength,

    /// <summary><c>sadb_key_bits</c> needs more bytes than the key extension holds (EINVAL, MALFORMED_*KEY).</summary>
    KeyBitsTooLong,

    /// <summary>An IPsec request of a policy has an impossible length or bad tunnel addresses (EINVAL, BAD_EXTLEN).</summary>
    BadIpsecRequest,
}

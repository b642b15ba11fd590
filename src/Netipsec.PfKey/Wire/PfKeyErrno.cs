namespace Netipsec.PfKey.Wire;

/// <summary>
/// <c>sadb_msg_errno</c>: why a request failed, as a Linux errno value (a C client compares it with its own
/// <c>errno.h</c>). Zero means success.
/// </summary>
public enum PfKeyErrno : byte
{
    None = 0,

    /// <summary>EPERM.</summary>
    NotPermitted = 1,

    /// <summary>ENOENT.</summary>
    NoEntry = 2,

    /// <summary>ESRCH: no such SA or policy.</summary>
    NoSuchEntity = 3,

    /// <summary>ENOMEM.</summary>
    NoMemory = 12,

    /// <summary>EBUSY.</summary>
    Busy = 16,

    /// <summary>EEXIST: the SA or policy already exists.</summary>
    Exists = 17,

    /// <summary>EINVAL: the message is malformed or inconsistent.</summary>
    InvalidArgument = 22,

    /// <summary>EPIPE: the other end of a PF_KEY socket connection closed it (never in <c>sadb_msg_errno</c>).</summary>
    BrokenPipe = 32,

    /// <summary>EMSGSIZE: the message length is wrong.</summary>
    MessageSize = 90,

    /// <summary>EPROTONOSUPPORT: the SA type is not supported.</summary>
    ProtocolNotSupported = 93,

    /// <summary>EOPNOTSUPP.</summary>
    OperationNotSupported = 95,

    /// <summary>ENOBUFS.</summary>
    NoBufferSpace = 105,
}

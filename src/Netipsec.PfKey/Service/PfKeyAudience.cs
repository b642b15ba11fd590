namespace Netipsec.PfKey.Service;

/// <summary>
/// Which attached clients a message goes to besides the addressed one (af_key.c's BROADCAST_* flags). Promiscuous
/// clients get a copy whatever the audience.
/// </summary>
internal enum PfKeyAudience
{
    /// <summary>Only the addressed client (a reply to one socket).</summary>
    One,

    /// <summary>Every client.</summary>
    All,

    /// <summary>Every client registered for some SA type (the REGISTER reply's copies).</summary>
    Registered,

    /// <summary>The clients registered for one SA type with a plain REGISTER (ACQUIRE).</summary>
    RegisteredFor,

    /// <summary>The clients registered for one SA type with an extended REGISTER (extended ACQUIRE).</summary>
    ExtendedRegisteredFor,

    /// <summary>Nobody but the promiscuous clients (the copy of every request).</summary>
    PromiscuousOnly,
}

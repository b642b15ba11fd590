namespace Netipsec.PfKey.Wire;

/// <summary>Who sent a message, which decides how the base header's errno and reserved fields are checked.</summary>
public enum PfKeyOrigin
{
    /// <summary>
    /// A key manager or tool, to the service: <c>sadb_msg_reserved</c> must be zero, and <c>sadb_msg_errno</c> is
    /// allowed only on an ACQUIRE (a key manager reporting that negotiation failed).
    /// </summary>
    Client,

    /// <summary>The service, to a socket: errno and a known diagnostic may be set.</summary>
    Service,
}

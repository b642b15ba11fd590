namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_ident_type</c> (RFC 2367 §2.3.5).</summary>
public enum IdentityType : ushort
{
    Reserved = 0,

    /// <summary>An address prefix written as text, e.g. "192.0.2.0/24".</summary>
    Prefix = 1,
    Fqdn = 2,

    /// <summary>A user at a domain, e.g. "user@example.com".</summary>
    UserFqdn = 3,
}

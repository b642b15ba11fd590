namespace Netipsec.States;

/// <summary>The life stages of an SA, numbered as PF_KEY's sadb_sa_state (RFC 2367 §2.3.1).</summary>
public enum SaState : byte
{
    /// <summary>Reserved but not keyed yet: a GETSPI result or an acquire state. Carries no traffic.</summary>
    Larval = 0,

    /// <summary>Keyed and usable.</summary>
    Mature = 1,

    /// <summary>A soft lifetime ran out: still usable, but key management should replace it.</summary>
    Dying = 2,

    /// <summary>Deleted, flushed or hard-expired: out of the database, keys zeroed, must not be used.</summary>
    Dead = 3,
}

namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_sa_state</c> (RFC 2367 §2.3.1).</summary>
public enum SaState : byte
{
    Larval = 0,
    Mature = 1,
    Dying = 2,
    Dead = 3,
}

namespace Netipsec.PfKey.Wire;

/// <summary><c>sadb_x_algdesc_algtype</c>: which kind of algorithm a descriptor names (SADB_X_ALGTYPE_*, Netipsec header).</summary>
public enum AlgorithmKind : byte
{
    None = 0,
    Auth = 1,
    Crypt = 2,
    Compress = 3,
}

namespace Netipsec.PfKey.Wire;

/// <summary>SADB_X_CALG_*: IPComp algorithms, carried in <c>sadb_sa_encrypt</c> of an IPComp SA (Linux numbering).</summary>
public enum CompressAlgorithm : byte
{
    None = 0,
    Oui = 1,
    Deflate = 2,
    Lzs = 3,
    Lzjh = 4,
}

namespace Netipsec.States;

/// <summary>Which of an SA's two intrusive hash chains a <see cref="SaChainIndex{TKey}"/> uses.</summary>
internal enum SaChain
{
    /// <summary>Output resolution: (destination, source, protocol, mode, reqid), Linux's state_bydst.</summary>
    ByDestination,

    /// <summary>Address pair: (source, destination, protocol), Linux's state_bysrc.</summary>
    BySource,
}

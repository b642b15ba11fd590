namespace Netipsec.States;

public sealed partial class SecurityAssociation
{
    private ChainLinks _destinationLinks;
    private ChainLinks _sourceLinks;

    internal ref ChainLinks LinksFor(SaChain chain)
    {
        if (chain == SaChain.ByDestination)
        {
            return ref _destinationLinks;
        }

        return ref _sourceLinks;
    }

    /// <summary>The next SA in a chain, read with acquire semantics so a reader sees it fully built.</summary>
    internal SecurityAssociation? NextIn(SaChain chain) => Volatile.Read(ref LinksFor(chain).Next);
}

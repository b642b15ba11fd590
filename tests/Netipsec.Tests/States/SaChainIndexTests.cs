using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SaChainIndexTests
{
    private static List<SecurityAssociation> Walk(SaChainIndex<int> index, int key)
    {
        var chain = new List<SecurityAssociation>();
        if (index.TryGetHead(key, out SecurityAssociation? head))
        {
            for (SecurityAssociation? sa = head; sa is not null; sa = sa.NextIn(SaChain.ByDestination))
            {
                chain.Add(sa);
            }
        }

        return chain;
    }

    [Fact]
    public void Chains_run_newest_first_and_unlink_anywhere()
    {
        var index = new SaChainIndex<int>(SaChain.ByDestination);
        SecurityAssociation a = Esp(1), b = Esp(2), c = Esp(3), d = Esp(4);
        index.Link(7, a);
        index.Link(7, b);
        index.Link(7, c);
        index.Link(7, d);
        Assert.Equal([d, c, b, a], Walk(index, 7));

        index.Unlink(7, b);
        Assert.Equal([d, c, a], Walk(index, 7));
        index.Unlink(7, d);
        Assert.Equal([c, a], Walk(index, 7));
        index.Unlink(7, a);
        Assert.Equal([c], Walk(index, 7));
        index.Unlink(7, c);
        Assert.False(index.TryGetHead(7, out _));
    }

    [Fact]
    public void A_reader_standing_on_an_unlinked_sa_still_reaches_the_rest_of_the_chain()
    {
        var index = new SaChainIndex<int>(SaChain.ByDestination);
        SecurityAssociation a = Esp(1), b = Esp(2), c = Esp(3);
        index.Link(7, a);
        index.Link(7, b);
        index.Link(7, c);

        index.Unlink(7, b);

        Assert.Same(a, b.NextIn(SaChain.ByDestination));
    }

    [Fact]
    public void The_two_chains_of_an_sa_are_independent()
    {
        var byDestination = new SaChainIndex<int>(SaChain.ByDestination);
        var bySource = new SaChainIndex<int>(SaChain.BySource);
        SecurityAssociation a = Esp(1), b = Esp(2);
        byDestination.Link(1, a);
        byDestination.Link(1, b);
        bySource.Link(1, b);
        bySource.Link(1, a);

        Assert.Same(a, b.NextIn(SaChain.ByDestination));
        Assert.Same(b, a.NextIn(SaChain.BySource));
        Assert.Null(a.NextIn(SaChain.ByDestination));
        Assert.Null(b.NextIn(SaChain.BySource));
    }
}

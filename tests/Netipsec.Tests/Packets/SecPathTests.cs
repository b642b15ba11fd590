using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Tests.Packets;

public sealed class SecPathTests
{
    [Fact]
    public void HoldsUpToSixAssociationsInOrder()
    {
        var path = default(SecPath);
        SecurityAssociation[] associations = Enumerable.Range(0, SecPath.MaxDepth).Select(_ => new SecurityAssociation()).ToArray();
        foreach (SecurityAssociation association in associations)
        {
            Assert.True(path.TryAdd(association));
        }

        Assert.True(path.IsFull);
        Assert.False(path.TryAdd(new SecurityAssociation()));
        Assert.Equal(6, path.Count);
        for (int i = 0; i < associations.Length; i++)
        {
            Assert.Same(associations[i], path[i]);
        }
    }

    [Fact]
    public void IndexingPastTheCountThrows()
    {
        var path = default(SecPath);
        path.TryAdd(new SecurityAssociation());

        Assert.Throws<ArgumentOutOfRangeException>(() => path[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => path[-1]);
    }

    [Fact]
    public void ClearEmptiesThePath()
    {
        var path = default(SecPath);
        path.TryAdd(new SecurityAssociation());
        path.Clear();

        Assert.Equal(0, path.Count);
        Assert.False(path.IsFull);
        Assert.Throws<ArgumentOutOfRangeException>(() => path[0]);
    }

    [Fact]
    public void ThePacketHandsOutItsPathByReference()
    {
        var pool = new PacketPool(capacity: 1, diagnostics: true);
        Packet packet = pool.Rent();
        var association = new SecurityAssociation();

        packet.SecPath.TryAdd(association);
        ref SecPath path = ref packet.SecPath;

        Assert.Equal(1, path.Count);
        Assert.Same(association, packet.SecPath[0]);
    }
}

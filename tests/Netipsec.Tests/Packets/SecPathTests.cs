using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Tests.Packets;

public sealed class SecPathTests
{
    internal static SecurityAssociation NewSa(uint spi) =>
        new(new SaId(TestPackets.V4Destination, spi, IpsecProtocol.Esp), TestPackets.V4Source, XfrmMode.Transport);

    [Fact]
    public void HoldsUpToSixAssociationsInOrder()
    {
        var path = default(SecPath);
        SecurityAssociation[] associations = Enumerable.Range(1, SecPath.MaxDepth).Select(spi => NewSa((uint)spi)).ToArray();
        foreach (SecurityAssociation association in associations)
        {
            Assert.True(path.TryAdd(association));
        }

        Assert.True(path.IsFull);
        Assert.False(path.TryAdd(NewSa(0x1000)));
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
        path.TryAdd(NewSa(0x1000));

        Assert.Throws<ArgumentOutOfRangeException>(() => path[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => path[-1]);
    }

    [Fact]
    public void ClearEmptiesThePath()
    {
        var path = default(SecPath);
        path.TryAdd(NewSa(0x1000));
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
        var association = NewSa(0x1000);

        packet.SecPath.TryAdd(association);
        ref SecPath path = ref packet.SecPath;

        Assert.Equal(1, path.Count);
        Assert.Same(association, packet.SecPath[0]);
    }
}

using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Tests.Packets;

public sealed class PacketTests
{
    private const int BufferSize = 256;
    private const int PoolHeadroom = 64;

    private readonly PacketPool _pool = new(capacity: 8, bufferSize: BufferSize, headroom: PoolHeadroom, diagnostics: true);

    private static byte[] Sequence(int length, int first = 0) => Enumerable.Range(first, length).Select(i => (byte)i).ToArray();

    /// <summary>A packet holding <paramref name="data"/>, network mark at 0.</summary>
    private Packet PacketWith(byte[] data)
    {
        Packet packet = _pool.Rent();
        data.CopyTo(packet.Put(data.Length));
        packet.SetNetworkHeader(0);
        return packet;
    }

    [Fact]
    public void ARentedPacketIsEmptyWithThePoolHeadroom()
    {
        Packet packet = _pool.Rent();

        Assert.Equal(0, packet.Length);
        Assert.Equal(PoolHeadroom, packet.Headroom);
        Assert.Equal(BufferSize - PoolHeadroom, packet.Tailroom);
        Assert.Equal(BufferSize, packet.Capacity);
        Assert.False(packet.HasNetworkHeader);
        Assert.False(packet.HasTransportHeader);
    }

    [Fact]
    public void PutAppendsAtTheTail()
    {
        Packet packet = _pool.Rent();
        Sequence(4).CopyTo(packet.Put(4));
        Sequence(2, 10).CopyTo(packet.Put(2));

        Assert.Equal(new byte[] { 0, 1, 2, 3, 10, 11 }, packet.Data.ToArray());
        Assert.Equal(BufferSize - PoolHeadroom - 6, packet.Tailroom);
        Assert.Equal(PoolHeadroom, packet.Headroom);
    }

    [Fact]
    public void PutRejectsMoreThanTheTailroomAndNegativeCounts()
    {
        Packet packet = _pool.Rent();

        Assert.Throws<ArgumentOutOfRangeException>(() => packet.Put(packet.Tailroom + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.Put(-1));
        Assert.Equal(0, packet.Length);
    }

    [Fact]
    public void PushPrependsInFrontOfTheData()
    {
        Packet packet = PacketWith([1, 2, 3]);
        packet.Push(2).Fill(9);

        Assert.Equal(new byte[] { 9, 9, 1, 2, 3 }, packet.Data.ToArray());
        Assert.Equal(PoolHeadroom - 2, packet.Headroom);
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.Push(packet.Headroom + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.Push(-1));
    }

    [Fact]
    public void PullDropsBytesFromTheFrontButAPulledHeaderStaysReadableThroughItsMark()
    {
        Packet packet = PacketWith(Sequence(30));
        packet.Pull(20);

        Assert.Equal(Sequence(10, 20), packet.Data.ToArray());
        Assert.Equal(PoolHeadroom + 20, packet.Headroom);
        Assert.Equal(-20, packet.NetworkOffset);
        Assert.Equal(Sequence(30), packet.NetworkHeader.ToArray());
    }

    [Fact]
    public void PullPastTheEndThrowsAndTryPullReturnsFalseWithoutChanges()
    {
        Packet packet = PacketWith(Sequence(10));

        Assert.Throws<ArgumentOutOfRangeException>(() => packet.Pull(11));
        Assert.False(packet.TryPull(11));
        Assert.False(packet.TryPull(-1));
        Assert.Equal(10, packet.Length);
        Assert.True(packet.TryPull(10));
        Assert.Equal(0, packet.Length);
    }

    [Fact]
    public void TrimCutsTheTail()
    {
        Packet packet = PacketWith(Sequence(10));
        packet.Trim(4);

        Assert.Equal(Sequence(4), packet.Data.ToArray());
        Assert.Equal(BufferSize - PoolHeadroom - 4, packet.Tailroom);
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.Trim(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.Trim(-1));
        Assert.False(packet.TryTrim(5));
        Assert.Equal(4, packet.Length);
    }

    [Fact]
    public void HeaderMarksArePositionsInTheBufferSoPushAndPullDoNotMoveThem()
    {
        Packet packet = PacketWith(Sequence(40));
        packet.SetTransportHeader(20);

        packet.Push(8);
        Assert.Equal(8, packet.NetworkOffset);
        Assert.Equal(28, packet.TransportOffset);

        packet.Pull(28);
        Assert.Equal(-20, packet.NetworkOffset);
        Assert.Equal(0, packet.TransportOffset);
        Assert.Equal(Sequence(20, 20), packet.TransportHeader.ToArray());
    }

    [Fact]
    public void HeaderMarksMustLieInHeadroomOrDataAndMustBeSetBeforeUse()
    {
        Packet packet = _pool.Rent();
        Sequence(10).CopyTo(packet.Put(10));

        Assert.Throws<InvalidOperationException>(() => packet.NetworkOffset);
        Assert.Throws<InvalidOperationException>(() => packet.TransportHeader.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.SetNetworkHeader(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.SetTransportHeader(-PoolHeadroom - 1));
        packet.SetNetworkHeader(-PoolHeadroom);
        Assert.Equal(-PoolHeadroom, packet.NetworkOffset);
    }

    [Fact]
    public void AMarkTrimmedAwayGivesAnEmptyHeaderSpan()
    {
        Packet packet = PacketWith(Sequence(40));
        packet.SetTransportHeader(30);
        packet.Trim(20);

        Assert.True(packet.TransportHeader.IsEmpty);
    }

    [Fact]
    public void MakeSpaceWithAShortFrontMovesTheFrontIntoTheHeadroom()
    {
        // [IP 20][TCP 40]: inserting an 8-byte ESP header moves the 20 IP bytes, not the 40 payload bytes.
        Packet packet = PacketWith(Sequence(60));
        packet.SetTransportHeader(20);

        Span<byte> gap = packet.MakeSpace(20, 8);
        gap.Fill(0xEE);

        Assert.Equal(PoolHeadroom - 8, packet.Headroom);
        Assert.Equal(BufferSize - PoolHeadroom - 60, packet.Tailroom);
        Assert.Equal(68, packet.Length);
        Assert.Equal(Sequence(20), packet.Data[..20].ToArray());
        Assert.Equal(Enumerable.Repeat((byte)0xEE, 8), packet.Data[20..28].ToArray());
        Assert.Equal(Sequence(40, 20), packet.Data[28..].ToArray());
        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal(28, packet.TransportOffset); // still the TCP header
    }

    [Fact]
    public void MakeSpaceWithAShortBackMovesTheBackIntoTheTailroom()
    {
        Packet packet = PacketWith(Sequence(44));
        packet.SetTransportHeader(40);

        packet.MakeSpace(40, 8).Fill(0xEE);

        Assert.Equal(PoolHeadroom, packet.Headroom);
        Assert.Equal(BufferSize - PoolHeadroom - 52, packet.Tailroom);
        Assert.Equal(Sequence(40), packet.Data[..40].ToArray());
        Assert.Equal(Sequence(4, 40), packet.Data[48..].ToArray());
        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal(48, packet.TransportOffset);
    }

    [Fact]
    public void MakeSpaceUsesTheOtherSideWhenTheShorterSideHasNoRoom()
    {
        var pool = new PacketPool(capacity: 1, bufferSize: 128, headroom: 0, diagnostics: true);
        Packet packet = pool.Rent();
        Sequence(60).CopyTo(packet.Put(60));

        packet.MakeSpace(20, 8).Fill(0xEE);

        Assert.Equal(0, packet.Headroom);
        Assert.Equal(128, packet.Capacity);
        Assert.Equal(Sequence(20), packet.Data[..20].ToArray());
        Assert.Equal(Sequence(40, 20), packet.Data[28..].ToArray());
    }

    [Fact]
    public void MakeSpaceGrowsTheBufferWhenNeitherSideHasRoom()
    {
        var pool = new PacketPool(capacity: 1, bufferSize: 64, headroom: 0, diagnostics: true);
        Packet packet = pool.Rent();
        Sequence(60).CopyTo(packet.Put(60));
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(20);

        packet.MakeSpace(20, 16).Fill(0xEE);

        Assert.True(packet.Capacity > 64);
        Assert.Equal(76, packet.Length);
        Assert.Equal(Sequence(20), packet.Data[..20].ToArray());
        Assert.Equal(Sequence(40, 20), packet.Data[36..].ToArray());
        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal(36, packet.TransportOffset);
    }

    [Fact]
    public void MakeSpaceRejectsAnOffsetOutsideTheDataAndANegativeCount()
    {
        Packet packet = PacketWith(Sequence(10));

        Assert.Throws<ArgumentOutOfRangeException>(() => packet.MakeSpace(11, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.MakeSpace(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.MakeSpace(0, -1));
        Assert.Equal(0, packet.MakeSpace(10, 0).Length);
        Assert.Equal(Sequence(10), packet.Data.ToArray());
    }

    [Fact]
    public void StripHeaderWithAShortFrontMovesTheFrontForward()
    {
        // [IP 20][ESP 8][TCP 40]: removing ESP moves the IP header, and the transport mark lands on TCP.
        Packet packet = PacketWith(Sequence(68));
        packet.SetTransportHeader(20);

        packet.StripHeader(20, 8);

        Assert.Equal(PoolHeadroom + 8, packet.Headroom);
        Assert.Equal(60, packet.Length);
        Assert.Equal(Sequence(20), packet.Data[..20].ToArray());
        Assert.Equal(Sequence(40, 28), packet.Data[20..].ToArray());
        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal(20, packet.TransportOffset);
    }

    [Fact]
    public void StripHeaderWithAShortBackMovesTheBackDown()
    {
        Packet packet = PacketWith(Sequence(52));
        packet.SetTransportHeader(48);

        packet.StripHeader(40, 8);

        Assert.Equal(PoolHeadroom, packet.Headroom);
        Assert.Equal(BufferSize - PoolHeadroom - 44, packet.Tailroom);
        Assert.Equal(Sequence(40), packet.Data[..40].ToArray());
        Assert.Equal(Sequence(4, 48), packet.Data[40..].ToArray());
        Assert.Equal(40, packet.TransportOffset);
    }

    [Fact]
    public void StripHeaderMovesAMarkInsideTheRemovedBytesToTheByteAfterThem()
    {
        Packet front = PacketWith(Sequence(68));
        front.SetTransportHeader(24);
        front.StripHeader(20, 8);

        Packet back = PacketWith(Sequence(52));
        back.SetTransportHeader(44);
        back.StripHeader(40, 8);

        Assert.Equal(20, front.TransportOffset);
        Assert.Equal(40, back.TransportOffset);
        Assert.Equal(48, back.TransportHeader[0]);
    }

    [Fact]
    public void StripHeaderRejectsARangeOutsideTheDataAndTryStripHeaderReturnsFalse()
    {
        Packet packet = PacketWith(Sequence(10));

        Assert.Throws<ArgumentOutOfRangeException>(() => packet.StripHeader(5, 6));
        Assert.False(packet.TryStripHeader(-1, 2));
        Assert.False(packet.TryStripHeader(2, -1));
        Assert.False(packet.TryStripHeader(11, 0));
        Assert.Equal(Sequence(10), packet.Data.ToArray());
        Assert.True(packet.TryStripHeader(0, 10));
        Assert.Equal(0, packet.Length);
    }

    [Fact]
    public void CopyBackOverwritesInsideTheData()
    {
        Packet packet = PacketWith(Sequence(10));
        packet.CopyBack(2, [0xAA, 0xBB]);

        Assert.Equal(new byte[] { 0, 1, 0xAA, 0xBB, 4, 5, 6, 7, 8, 9 }, packet.Data.ToArray());
    }

    [Fact]
    public void CopyBackPastTheEndExtendsTheTail()
    {
        Packet packet = PacketWith(Sequence(4));
        packet.CopyBack(3, [0xAA, 0xBB, 0xCC]);

        Assert.Equal(new byte[] { 0, 1, 2, 0xAA, 0xBB, 0xCC }, packet.Data.ToArray());
        Assert.Equal(PoolHeadroom, packet.Headroom);
    }

    [Fact]
    public void CopyBackPastTheBufferGrowsItAndKeepsTheData()
    {
        Packet packet = PacketWith(Sequence(10));
        byte[] large = Sequence(400, 50);
        packet.CopyBack(10, large);

        Assert.Equal(410, packet.Length);
        Assert.True(packet.Capacity >= PoolHeadroom + 410);
        Assert.Equal(Sequence(10), packet.Data[..10].ToArray());
        Assert.Equal(large, packet.Data[10..].ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.CopyBack(411, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.CopyBack(-1, [1]));
    }

    [Fact]
    public void EnsureHeadroomSlidesTheDataInsideTheBufferWhenTheTailroomAllows()
    {
        Packet packet = PacketWith(Sequence(10));
        packet.SetTransportHeader(4);

        packet.EnsureHeadroom(100);

        Assert.Equal(BufferSize, packet.Capacity);
        Assert.Equal(100, packet.Headroom);
        Assert.Equal(Sequence(10), packet.Data.ToArray());
        Assert.Equal(0, packet.NetworkOffset);
        Assert.Equal(4, packet.TransportOffset);
    }

    [Fact]
    public void EnsureTailroomSlidesTheDataDownWhenTheHeadroomAllows()
    {
        Packet packet = PacketWith(Sequence(10));

        packet.EnsureTailroom(BufferSize - 20);

        Assert.Equal(BufferSize, packet.Capacity);
        Assert.True(packet.Tailroom >= BufferSize - 20);
        Assert.Equal(Sequence(10), packet.Data.ToArray());
    }

    [Fact]
    public void EnsureRoomMovesToALargerBufferKeepingDataMarksAndPulledHeaders()
    {
        Packet packet = PacketWith(Sequence(60));
        packet.SetTransportHeader(20);
        packet.Pull(20);

        packet.EnsureRoom(PoolHeadroom + 100, 300);

        Assert.True(packet.Headroom >= PoolHeadroom + 100);
        Assert.True(packet.Tailroom >= 300);
        Assert.Equal(Sequence(40, 20), packet.Data.ToArray());
        Assert.Equal(-20, packet.NetworkOffset);
        Assert.Equal(Sequence(60), packet.NetworkHeader.ToArray());
        Assert.Equal(0, packet.TransportOffset);
    }

    [Fact]
    public void EnsureRoomDoesNothingWhenThereIsRoomAndRejectsAbsurdRequests()
    {
        Packet packet = PacketWith(Sequence(10));
        packet.EnsureRoom(PoolHeadroom, 10);

        Assert.Equal(PoolHeadroom, packet.Headroom);
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.EnsureHeadroom(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => packet.EnsureTailroom(PacketPool.MaxBufferSize));
        int length = packet.Length;
        Assert.False(packet.TryEnsureRoom(0, PacketPool.MaxBufferSize));
        Assert.Equal(length, packet.Length);
        Assert.True(packet.TryEnsureRoom(0, 4096));
        Assert.True(packet.Tailroom >= 4096);
        Assert.Equal(Sequence(10), packet.Data.ToArray());
    }

    [Fact]
    public void MetadataIsKeptOnThePacketAndClearedWhenItIsReturned()
    {
        var pool = new PacketPool(capacity: 1, bufferSize: 64, diagnostics: false, headroom: 16);
        Packet packet = pool.Rent();
        packet.Direction = PacketDirection.Out;
        packet.InterfaceIndex = 3;
        packet.InterfaceName = "tun0";
        packet.Mark = 0xBEEF;
        packet.SecPath.TryAdd(SecPathTests.NewSa(0x1000));
        packet.DivertTag = new DivertTag(100, 7, 8668);
        packet.Offload = OffloadState.Pending;
        packet.Put(10);
        packet.SetNetworkHeader(0);
        packet.EnsureTailroom(500);

        Assert.Equal(1, packet.SecPath.Count);
        Assert.True(packet.DivertTag.IsPresent);
        Assert.Equal((ushort)8668, packet.DivertTag.Port);

        pool.Return(packet);
        Packet again = pool.Rent();

        Assert.Same(packet, again);
        Assert.Equal(PacketDirection.In, again.Direction);
        Assert.Equal(0, again.InterfaceIndex);
        Assert.Null(again.InterfaceName);
        Assert.Equal(0u, again.Mark);
        Assert.Equal(0, again.SecPath.Count);
        Assert.False(again.DivertTag.IsPresent);
        Assert.Equal(OffloadState.None, again.Offload);
        Assert.Equal(0, again.Length);
        Assert.Equal(16, again.Headroom);
        Assert.Equal(64, again.Capacity);
        Assert.False(again.HasNetworkHeader);
    }

    [Fact]
    public void AReturnedPacketCannotBeUsed()
    {
        Packet packet = _pool.Rent();
        _pool.Return(packet);

        Assert.Throws<ObjectDisposedException>(() => packet.Data.Length);
        Assert.Throws<ObjectDisposedException>(() => packet.Put(1));
        Assert.Throws<ObjectDisposedException>(() => packet.Pull(0));
    }
}

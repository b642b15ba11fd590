using Netipsec.Packets;
using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SecurityAssociationDatabaseTests
{
    private static readonly LifetimeLimits OnePacket = new(0, 1, TimeSpan.Zero, TimeSpan.Zero);

    [Fact]
    public void Lookup_by_spi_needs_destination_spi_and_protocol_to_match()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation esp = Esp(0x1000);
        SecurityAssociation ah = Ah(0x1000);
        Assert.Equal(SadStatus.Ok, db.Add(esp));
        Assert.Equal(SadStatus.Ok, db.Add(ah));

        Assert.True(db.TryLookupBySpi(Peer, 0x1000, IpsecProtocol.Esp, out SecurityAssociation? found));
        Assert.Same(esp, found);
        Assert.True(db.TryLookupBySpi(Peer, 0x1000, IpsecProtocol.Ah, out found));
        Assert.Same(ah, found);
        Assert.False(db.TryLookupBySpi(Peer, 0x1001, IpsecProtocol.Esp, out _));
        Assert.False(db.TryLookupBySpi(Local, 0x1000, IpsecProtocol.Esp, out _));
        Assert.False(db.TryLookupBySpi(Peer, 0x1000, IpsecProtocol.IpComp, out _));
    }

    [Fact]
    public void Lookup_by_address_finds_the_pair_in_its_direction_only()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation tunnel = Esp(0x1000, mode: XfrmMode.Tunnel, reqId: 9);
        Assert.Equal(SadStatus.Ok, db.Add(tunnel));

        Assert.True(db.TryLookupByAddress(Local, Peer, IpsecProtocol.Esp, out SecurityAssociation? found));
        Assert.Same(tunnel, found);
        Assert.False(db.TryLookupByAddress(Peer, Local, IpsecProtocol.Esp, out _));
        Assert.False(db.TryLookupByAddress(Local, Peer, IpsecProtocol.Ah, out _));
        Assert.False(db.TryLookupByAddress(Local, Other, IpsecProtocol.Esp, out _));
    }

    [Fact]
    public void FindOutbound_matches_addresses_protocol_mode_and_reqid()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = Esp(0x1000, mode: XfrmMode.Tunnel, reqId: 5);
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.Same(sa, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, 5));
        Assert.Null(db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, 6));
        Assert.Null(db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 5));
        Assert.Null(db.FindOutbound(Peer, Local, IpsecProtocol.Ah, XfrmMode.Tunnel, 5));
        Assert.Null(db.FindOutbound(Local, Peer, IpsecProtocol.Esp, XfrmMode.Tunnel, 5));
    }

    [Fact]
    public void FindOutbound_with_reqid_zero_accepts_any_reqid_but_not_another_mode()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = Esp(0x1000, mode: XfrmMode.Tunnel, reqId: 5);
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.Same(sa, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, 0));
        Assert.Null(db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0));
    }

    [Theory]
    [InlineData(5u)]
    [InlineData(0u)]
    public void FindOutbound_prefers_mature_over_dying_then_the_newest(uint queryReqId)
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation older = Esp(0x1000, reqId: 5, soft: OnePacket);
        SecurityAssociation newer = Esp(0x1001, reqId: 5, soft: OnePacket);
        Assert.Equal(SadStatus.Ok, db.Add(older));
        Assert.Equal(SadStatus.Ok, db.Add(newer));

        Assert.Same(newer, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, queryReqId));

        db.Account(newer, 100);
        Assert.Equal(SaState.Dying, newer.State);
        Assert.Same(older, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, queryReqId));

        db.Account(older, 100);
        Assert.Same(newer, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, queryReqId));
        Assert.True(db.TryLookupByAddress(Local, Peer, IpsecProtocol.Esp, out SecurityAssociation? byAddress));
        Assert.Same(newer, byAddress);
    }

    [Fact]
    public void Larval_states_are_never_chosen_for_output()
    {
        var db = NewDatabase(NewClock());
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 5, 0x1000, 0x2000, 0, out SecurityAssociation? larval));

        Assert.Null(db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 5));
        Assert.Null(db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0));
        Assert.False(db.TryLookupByAddress(Local, Peer, IpsecProtocol.Esp, out _));
        Assert.True(db.TryLookupBySpi(Peer, larval!.Spi, IpsecProtocol.Esp, out SecurityAssociation? bySpi));
        Assert.Equal(SaState.Larval, bySpi.State);
    }

    [Fact]
    public void A_duplicate_id_is_rejected_and_the_first_sa_stays()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation first = Esp(0x1000);
        SecurityAssociation second = Esp(0x1000, source: Other);
        Assert.Equal(SadStatus.Ok, db.Add(first));
        long generation = db.Generation;

        Assert.Equal(SadStatus.Exists, db.Add(second));

        Assert.True(db.TryLookupBySpi(Peer, 0x1000, IpsecProtocol.Esp, out SecurityAssociation? found));
        Assert.Same(first, found);
        Assert.Equal(1, db.Count);
        Assert.Equal(generation, db.Generation);
        Assert.Equal(SaState.Larval, second.State);
    }

    [Fact]
    public void Get_returns_the_sa_or_not_found()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = Esp(0x1000);
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.Equal(SadStatus.Ok, db.Get(sa.Id, out SecurityAssociation? found));
        Assert.Same(sa, found);
        Assert.Equal(SadStatus.NotFound, db.Get(new SaId(Peer, 0x1001, IpsecProtocol.Esp), out found));
        Assert.Null(found);
    }

    [Fact]
    public void Delete_removes_from_every_index_and_zeroes_the_keys()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = Esp(0x1000, reqId: 3);
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.Equal(SadStatus.Ok, db.Delete(sa.Id));

        Assert.Equal(SaState.Dead, sa.State);
        Assert.True(IsZero(sa.Encryption!.Key));
        Assert.True(IsZero(sa.Authentication!.Key));
        Assert.False(db.TryLookupBySpi(Peer, 0x1000, IpsecProtocol.Esp, out _));
        Assert.False(db.TryLookupByAddress(Local, Peer, IpsecProtocol.Esp, out _));
        Assert.Null(db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 3));
        Assert.Equal(0, db.Count);
        Assert.Equal(SadStatus.NotFound, db.Delete(sa.Id));
    }

    [Fact]
    public void Deleting_from_the_middle_of_a_chain_keeps_the_others_reachable()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation oldest = Esp(0x1000);
        SecurityAssociation middle = Esp(0x1001);
        SecurityAssociation newest = Esp(0x1002, soft: OnePacket);
        Assert.Equal(SadStatus.Ok, db.Add(oldest));
        Assert.Equal(SadStatus.Ok, db.Add(middle));
        Assert.Equal(SadStatus.Ok, db.Add(newest));
        db.Account(newest, 1);

        Assert.Same(middle, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0));
        Assert.Equal(SadStatus.Ok, db.Delete(middle.Id));

        // The oldest, still mature, must be reachable behind the dying newest one.
        Assert.Same(oldest, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0));
        Assert.Equal(SadStatus.Ok, db.Delete(oldest.Id));
        Assert.Same(newest, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0));
    }

    [Fact]
    public void Flush_by_protocol_removes_only_that_protocol_including_larval_and_acquire_states()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation esp1 = Esp(0x1000);
        SecurityAssociation esp2 = Esp(0x1001);
        SecurityAssociation ah = Ah(0x1000);
        Assert.Equal(SadStatus.Ok, db.Add(esp1));
        Assert.Equal(SadStatus.Ok, db.Add(esp2));
        Assert.Equal(SadStatus.Ok, db.Add(ah));
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(IpsecProtocol.Esp), null, out _));
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Ah, XfrmMode.Transport, 0, 0x100, 0xFFFFFFFF, 0, out _));
        Assert.Equal(5, db.Count);

        Assert.Equal(3, db.Flush(IpsecProtocol.Esp));

        Assert.Equal(2, db.Count);
        Assert.All(db.Dump(), sa => Assert.Equal(IpsecProtocol.Ah, sa.Protocol));
        Assert.True(IsZero(esp1.Encryption!.Key));
        Assert.False(IsZero(ah.Authentication!.Key));
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(IpsecProtocol.Esp), null, out _));

        Assert.Equal(3, db.Flush());
        Assert.Equal(0, db.Count);
        Assert.Empty(db.Dump());
        Assert.True(IsZero(ah.Authentication!.Key));
        Assert.Equal(SaState.Dead, ah.State);
    }

    [Fact]
    public void Dump_lists_every_entry_once_including_acquire_states()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation esp = Esp(0x1000);
        SecurityAssociation ah = Ah(0x1000);
        Assert.Equal(SadStatus.Ok, db.Add(esp));
        Assert.Equal(SadStatus.Ok, db.Add(ah));
        Assert.True(db.Acquire(Local, Other, HostSelector, Template(), null, out uint sequence));
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 4), null, out uint withSpi));
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 4, 0x100, 0xFFFFFFFF, withSpi, out _));

        IReadOnlyList<SecurityAssociation> all = db.Dump();
        IReadOnlyList<SecurityAssociation> espOnly = db.Dump(IpsecProtocol.Esp);

        Assert.Equal(4, all.Count);
        Assert.Equal(4, all.Distinct().Count());
        Assert.Contains(all, sa => sa.IsAcquireState && sa.Spi == 0 && sa.AcquireSequence == sequence);
        Assert.Equal(3, espOnly.Count);
        Assert.DoesNotContain(ah, espOnly);
    }

    [Fact]
    public void Every_change_bumps_the_generation()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = Esp(0x1000);
        long last = db.Generation;

        void AssertBumped()
        {
            Assert.True(db.Generation > last);
            last = db.Generation;
        }

        Assert.Equal(SadStatus.Ok, db.Add(sa));
        AssertBumped();
        Assert.Equal(SadStatus.Ok, db.Update(Esp(0x1000, hard: OnePacket), out _));
        AssertBumped();
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 0x100, 0xFFFF, 0, out _));
        AssertBumped();
        Assert.True(db.Acquire(Local, Other, HostSelector, Template(), null, out _));
        AssertBumped();
        Assert.Equal(SadStatus.Ok, db.Delete(sa.Id));
        AssertBumped();
        Assert.Equal(2, db.Flush());
        AssertBumped();

        Assert.Equal(SadStatus.NotFound, db.Delete(sa.Id));
        Assert.Equal(last, db.Generation);
    }
}

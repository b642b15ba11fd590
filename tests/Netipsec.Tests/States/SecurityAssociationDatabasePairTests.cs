using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SecurityAssociationDatabasePairTests
{
    private static readonly LifetimeLimits Soft = new(0, 50, TimeSpan.FromMinutes(50), TimeSpan.Zero);
    private static readonly LifetimeLimits Hard = new(0, 60, TimeSpan.FromMinutes(60), TimeSpan.Zero);

    /// <summary>Outbound 0x1000 to the peer and inbound 0x2000 from it, each naming the other.</summary>
    private static (SecurityAssociationDatabase Db, SecurityAssociation Outbound, SecurityAssociation Inbound) Paired(bool addInbound = true)
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation outbound = Esp(0x1000, destination: Peer, source: Local, pairSpi: 0x2000);
        SecurityAssociation inbound = Esp(0x2000, destination: Local, source: Peer, pairSpi: 0x1000);
        Assert.Equal(SadStatus.Ok, db.Add(outbound));
        if (addInbound)
        {
            Assert.Equal(SadStatus.Ok, db.Add(inbound));
        }

        return (db, outbound, inbound);
    }

    [Fact]
    public void DeletePair_deletes_both()
    {
        (SecurityAssociationDatabase db, SecurityAssociation outbound, SecurityAssociation inbound) = Paired();

        Assert.Equal(SadStatus.Ok, db.DeletePair(outbound.Id));

        Assert.Equal(0, db.Count);
        Assert.Equal((SaState.Dead, SaState.Dead), (outbound.State, inbound.State));
        Assert.True(IsZero(inbound.Encryption!.Key));
    }

    [Fact]
    public void DeletePair_without_the_pair_deletes_nothing()
    {
        (SecurityAssociationDatabase db, SecurityAssociation outbound, _) = Paired(addInbound: false);
        long generation = db.Generation;

        Assert.Equal(SadStatus.PairNotFound, db.DeletePair(outbound.Id));

        Assert.Equal(SaState.Mature, outbound.State);
        Assert.False(IsZero(outbound.Encryption!.Key));
        Assert.Equal(generation, db.Generation);
    }

    [Fact]
    public void Pair_operations_on_unpaired_or_missing_sas_fail()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation single = Esp(0x1000);
        Assert.Equal(SadStatus.Ok, db.Add(single));

        Assert.Equal(SadStatus.NotPaired, db.DeletePair(single.Id));
        Assert.Equal(SadStatus.NotPaired, db.UpdatePair(single.Id, Soft, Hard));
        Assert.Equal(SadStatus.NotFound, db.DeletePair(new SaId(Peer, 0x9999, IpsecProtocol.Esp)));
        Assert.Equal(SadStatus.NotFound, db.UpdatePair(new SaId(Peer, 0x9999, IpsecProtocol.Esp), Soft, Hard));
        Assert.Equal(SaState.Mature, single.State);
    }

    [Fact]
    public void UpdatePair_gives_both_the_new_lifetimes()
    {
        (SecurityAssociationDatabase db, SecurityAssociation outbound, SecurityAssociation inbound) = Paired();

        Assert.Equal(SadStatus.Ok, db.UpdatePair(inbound.Id, Soft, Hard));

        Assert.Equal((Soft, Hard), (outbound.SoftLimits, outbound.HardLimits));
        Assert.Equal((Soft, Hard), (inbound.SoftLimits, inbound.HardLimits));
    }

    [Fact]
    public void UpdatePair_lifetimes_take_effect_for_both()
    {
        var clock = NewClock();
        var db = NewDatabase(clock);
        SecurityAssociation outbound = Esp(0x1000, destination: Peer, source: Local, pairSpi: 0x2000);
        SecurityAssociation inbound = Esp(0x2000, destination: Local, source: Peer, pairSpi: 0x1000);
        Assert.Equal(SadStatus.Ok, db.Add(outbound));
        Assert.Equal(SadStatus.Ok, db.Add(inbound));

        Assert.Equal(SadStatus.Ok, db.UpdatePair(outbound.Id, LifetimeLimits.None, new LifetimeLimits(0, 0, TimeSpan.FromSeconds(10), TimeSpan.Zero)));
        clock.Advance(TimeSpan.FromSeconds(10));
        db.RunExpiry();

        Assert.Equal((SaState.Dead, SaState.Dead), (outbound.State, inbound.State));
    }

    [Fact]
    public void UpdatePair_without_the_pair_or_with_bad_limits_changes_nothing()
    {
        (SecurityAssociationDatabase db, SecurityAssociation outbound, SecurityAssociation inbound) = Paired();

        Assert.Equal(SadStatus.Invalid, db.UpdatePair(outbound.Id, Hard, Soft));
        Assert.Equal(SadStatus.Ok, db.Delete(inbound.Id));
        Assert.Equal(SadStatus.PairNotFound, db.UpdatePair(outbound.Id, Soft, Hard));

        Assert.Equal((LifetimeLimits.None, LifetimeLimits.None), (outbound.SoftLimits, outbound.HardLimits));
    }

    [Fact]
    public void UpdatePair_refuses_a_larval_pair()
    {
        var db = NewDatabase(NewClock());
        Assert.Equal(SadStatus.Ok, db.GetSpi(Local, Peer, IpsecProtocol.Esp, XfrmMode.Transport, 0, 0x2000, 0x2000, 0, out _));
        SecurityAssociation outbound = Esp(0x1000, pairSpi: 0x2000);
        Assert.Equal(SadStatus.Ok, db.Add(outbound));

        Assert.Equal(SadStatus.Invalid, db.UpdatePair(outbound.Id, Soft, Hard));
        Assert.Equal(LifetimeLimits.None, outbound.HardLimits);
    }
}

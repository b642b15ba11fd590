using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SecurityAssociationDatabaseLifetimeTests
{
    private static LifetimeLimits Bytes(ulong bytes) => new(bytes, 0, TimeSpan.Zero, TimeSpan.Zero);

    private static LifetimeLimits Packets(ulong packets) => new(0, packets, TimeSpan.Zero, TimeSpan.Zero);

    private static LifetimeLimits AddSeconds(int seconds) => new(0, 0, TimeSpan.FromSeconds(seconds), TimeSpan.Zero);

    private static LifetimeLimits UseSeconds(int seconds) => new(0, 0, TimeSpan.Zero, TimeSpan.FromSeconds(seconds));

    [Fact]
    public void The_soft_byte_limit_fires_once_and_the_sa_keeps_working()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        SecurityAssociation sa = Esp(0x1000, soft: Bytes(1000));
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        db.Account(sa, 600);
        Assert.Empty(listener.Expirations);
        db.Account(sa, 600);
        db.Account(sa, 600);
        db.RunExpiry();

        Assert.Equal((sa, ExpiryKind.Soft, SaState.Dying), Assert.Single(listener.Expirations));
        Assert.Equal(SaState.Dying, sa.State);
        Assert.Same(sa, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0));
        Assert.Equal(1800ul, sa.Current.Bytes);
        Assert.False(IsZero(sa.Encryption!.Key));
    }

    [Fact]
    public void The_hard_packet_limit_deletes_the_sa_and_zeroes_its_keys()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        SecurityAssociation sa = Esp(0x1000, soft: Packets(2), hard: Packets(3));
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        db.Account(sa, 10);
        db.Account(sa, 10);
        Assert.Equal(SaState.Dying, sa.State);
        db.Account(sa, 10);

        Assert.Equal(SaState.Dead, sa.State);
        Assert.Equal([ExpiryKind.Soft, ExpiryKind.Hard], listener.Expirations.Select(e => e.Kind));
        Assert.Equal(SaState.Dead, listener.Expirations[1].StateAtEvent);
        Assert.False(db.TryLookupBySpi(Peer, 0x1000, IpsecProtocol.Esp, out _));
        Assert.True(IsZero(sa.Encryption!.Key));
        Assert.True(IsZero(sa.Authentication!.Key));
        Assert.Equal(0, db.Count);
    }

    [Fact]
    public void The_hard_byte_limit_deletes_even_without_a_soft_limit()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        SecurityAssociation sa = Esp(0x1000, hard: Bytes(100));
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        db.Account(sa, 99);
        Assert.Equal(SaState.Mature, sa.State);
        db.Account(sa, 1);

        Assert.Equal((sa, ExpiryKind.Hard, SaState.Dead), Assert.Single(listener.Expirations));
    }

    [Fact]
    public void Add_time_limits_expire_soft_then_hard()
    {
        var clock = NewClock();
        var listener = new RecordingListener();
        var db = NewDatabase(clock, listener);
        SecurityAssociation sa = Esp(0x1000, soft: AddSeconds(10), hard: AddSeconds(20));
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        clock.Advance(TimeSpan.FromSeconds(9));
        db.RunExpiry();
        Assert.Equal(SaState.Mature, sa.State);

        clock.Advance(TimeSpan.FromSeconds(1));
        db.RunExpiry();
        db.RunExpiry();
        Assert.Equal(SaState.Dying, sa.State);
        Assert.Single(listener.Expirations);

        clock.Advance(TimeSpan.FromSeconds(10));
        db.RunExpiry();

        Assert.Equal(SaState.Dead, sa.State);
        Assert.Equal([ExpiryKind.Soft, ExpiryKind.Hard], listener.Expirations.Select(e => e.Kind));
        Assert.True(IsZero(sa.Encryption!.Key));
    }

    [Fact]
    public void Use_time_limits_start_with_the_first_packet()
    {
        var clock = NewClock();
        var listener = new RecordingListener();
        var db = NewDatabase(clock, listener);
        SecurityAssociation sa = Esp(0x1000, soft: UseSeconds(5), hard: UseSeconds(10));
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        clock.Advance(TimeSpan.FromHours(1));
        db.RunExpiry();
        Assert.Empty(listener.Expirations);

        db.Account(sa, 100);
        Assert.Equal(clock.GetUtcNow(), sa.Current.UseTime);
        clock.Advance(TimeSpan.FromSeconds(5));
        db.RunExpiry();
        Assert.Equal(SaState.Dying, sa.State);

        clock.Advance(TimeSpan.FromSeconds(5));
        db.RunExpiry();
        Assert.Equal(SaState.Dead, sa.State);
        Assert.Equal([ExpiryKind.Soft, ExpiryKind.Hard], listener.Expirations.Select(e => e.Kind));
    }

    [Fact]
    public void An_unused_sa_with_add_and_use_limits_expires_by_add_time()
    {
        var clock = NewClock();
        var db = NewDatabase(clock);
        SecurityAssociation sa = Esp(0x1000, hard: new LifetimeLimits(0, 0, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10)));
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        clock.Advance(TimeSpan.FromSeconds(59));
        db.RunExpiry();
        Assert.Equal(SaState.Mature, sa.State);
        clock.Advance(TimeSpan.FromSeconds(1));
        db.RunExpiry();

        Assert.Equal(SaState.Dead, sa.State);
    }

    [Fact]
    public void A_used_sa_with_add_and_use_limits_expires_by_whichever_comes_first()
    {
        var clock = NewClock();
        var db = NewDatabase(clock);
        SecurityAssociation sa = Esp(0x1000, hard: new LifetimeLimits(0, 0, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10)));
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        clock.Advance(TimeSpan.FromSeconds(5));
        db.Account(sa, 1);
        clock.Advance(TimeSpan.FromSeconds(10));
        db.RunExpiry();

        Assert.Equal(SaState.Dead, sa.State);
    }

    [Fact]
    public void An_update_that_extends_the_lifetime_postpones_expiry()
    {
        var clock = NewClock();
        var db = NewDatabase(clock);
        SecurityAssociation sa = Esp(0x1000, hard: AddSeconds(10));
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(SadStatus.Ok, db.Update(Esp(0x1000, hard: AddSeconds(100)), out _));
        clock.Advance(TimeSpan.FromSeconds(5));
        db.RunExpiry();
        Assert.Equal(SaState.Mature, sa.State);

        clock.Advance(TimeSpan.FromSeconds(90));
        db.RunExpiry();
        Assert.Equal(SaState.Dead, sa.State);
    }

    [Fact]
    public void An_update_that_shortens_the_lifetime_brings_expiry_forward()
    {
        var clock = NewClock();
        var db = NewDatabase(clock);
        SecurityAssociation sa = Esp(0x1000, hard: AddSeconds(100));
        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.Equal(SadStatus.Ok, db.Update(Esp(0x1000, hard: AddSeconds(10)), out _));
        clock.Advance(TimeSpan.FromSeconds(10));
        db.RunExpiry();

        Assert.Equal(SaState.Dead, sa.State);
    }

    [Fact]
    public void A_deleted_sa_raises_no_expiry_later()
    {
        var clock = NewClock();
        var listener = new RecordingListener();
        var db = NewDatabase(clock, listener);
        SecurityAssociation sa = Esp(0x1000, soft: Packets(1), hard: AddSeconds(10));
        Assert.Equal(SadStatus.Ok, db.Add(sa));
        Assert.Equal(SadStatus.Ok, db.Delete(sa.Id));

        db.Account(sa, 10);
        clock.Advance(TimeSpan.FromSeconds(10));
        db.RunExpiry();

        Assert.Empty(listener.Expirations);
    }

    [Fact]
    public void Accounting_without_limits_takes_no_lock_and_changes_nothing_but_the_counters()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = Esp(0x1000);
        Assert.Equal(SadStatus.Ok, db.Add(sa));
        db.Account(sa, 1);
        long generation = db.Generation;

        for (int i = 0; i < 1000; i++)
        {
            db.Account(sa, 100);
        }

        Assert.Equal(1001ul, sa.Current.Packets);
        Assert.Equal(100_001ul, sa.Current.Bytes);
        Assert.Equal(generation, db.Generation);
        Assert.Equal(SaState.Mature, sa.State);
    }
}

using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SecurityAssociationDatabaseUpdateTests
{
    private static readonly LifetimeLimits TenPackets = new(0, 10, TimeSpan.Zero, TimeSpan.Zero);
    private static readonly LifetimeLimits HundredPackets = new(0, 100, TimeSpan.Zero, TimeSpan.Zero);

    [Fact]
    public void Updating_a_larval_sa_makes_the_proposed_sa_mature_with_the_same_spi()
    {
        var db = NewDatabase(NewClock());
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, 7, 0x100, 0xFFFFFFFF, 0, out SecurityAssociation? larval));
        SecurityAssociation proposed = Esp(larval!.Spi, mode: XfrmMode.Tunnel, reqId: 7);

        Assert.Equal(SadStatus.Ok, db.Update(proposed, out SecurityAssociation? installed));

        Assert.Same(proposed, installed);
        Assert.Equal(SaState.Mature, proposed.State);
        Assert.Equal(SaState.Dead, larval.State);
        Assert.True(db.TryLookupBySpi(Peer, larval.Spi, IpsecProtocol.Esp, out SecurityAssociation? found));
        Assert.Same(proposed, found);
        Assert.Same(proposed, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, 7));
        Assert.Equal(1, db.Count);
        Assert.NotNull(proposed.ReplayWindow);
    }

    [Fact]
    public void Updating_an_unknown_sa_is_not_found()
    {
        var db = NewDatabase(NewClock());

        Assert.Equal(SadStatus.NotFound, db.Update(Esp(0x1000), out SecurityAssociation? installed));
        Assert.Null(installed);
    }

    [Fact]
    public void A_larval_update_must_keep_the_source()
    {
        var db = NewDatabase(NewClock());
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 0x100, 0xFFFFFFFF, 0, out SecurityAssociation? larval));

        Assert.Equal(SadStatus.Invalid, db.Update(Esp(larval!.Spi, source: Other), out _));
        Assert.Equal(SaState.Larval, larval.State);
    }

    [Fact]
    public void A_mature_update_changes_lifetimes_nat_traversal_and_pair_but_keeps_the_sa()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = Esp(0x1000, hard: TenPackets);
        Assert.Equal(SadStatus.Ok, db.Add(sa));
        var natTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 62000);
        SecurityAssociation proposed = new(sa.Id, Local, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(AesCbc, EncryptionKey),
            Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey),
            ReplayWindowSize = 64,
            SoftLimits = TenPackets,
            HardLimits = HundredPackets,
            NatTraversal = natTraversal,
            PairSpi = 0x2000,
        };

        Assert.Equal(SadStatus.Ok, db.Update(proposed, out SecurityAssociation? installed));

        Assert.Same(sa, installed);
        Assert.Equal(TenPackets, sa.SoftLimits);
        Assert.Equal(HundredPackets, sa.HardLimits);
        Assert.Same(natTraversal, sa.NatTraversal);
        Assert.Equal(0x2000u, sa.PairSpi);
        Assert.Equal(SaState.Larval, proposed.State);
    }

    [Fact]
    public void A_mature_update_without_nat_traversal_or_pair_keeps_the_existing_ones()
    {
        var db = NewDatabase(NewClock());
        var natTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 4500);
        SecurityAssociation sa = new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(AesCbc, EncryptionKey),
            NatTraversal = natTraversal,
            PairSpi = 0x3000,
        };
        Assert.Equal(SadStatus.Ok, db.Add(sa));
        SecurityAssociation proposed = new(sa.Id, Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), HardLimits = TenPackets };

        Assert.Equal(SadStatus.Ok, db.Update(proposed, out _));

        Assert.Same(natTraversal, sa.NatTraversal);
        Assert.Equal(0x3000u, sa.PairSpi);
        Assert.Equal(TenPackets, sa.HardLimits);
    }

    public static TheoryData<string, Func<SecurityAssociation>> KeyingChanges => new()
    {
        { "another encryption key", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, new byte[16]), Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey), ReplayWindowSize = 64 } },
        { "another authentication algorithm", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), Authentication = new SaAlgorithm(HmacSha1 + 1, AuthenticationKey), ReplayWindowSize = 64 } },
        { "no authentication", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), ReplayWindowSize = 64 } },
        { "another mode", () => Esp(0x1000, mode: XfrmMode.Tunnel) },
        { "another reqid", () => Esp(0x1000, reqId: 3) },
        { "another source", () => Esp(0x1000, source: Other) },
        { "another replay window", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey), ReplayWindowSize = 128 } },
        { "other flags", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey), ReplayWindowSize = 64, Flags = SaFlags.Pfs } },
        { "another padding", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey), ReplayWindowSize = 64, Padding = EspPadding.Zero } },
    };

    [Theory]
    [MemberData(nameof(KeyingChanges))]
    public void A_mature_update_may_not_change_keys_or_keying_parameters(string description, Func<SecurityAssociation> build)
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = Esp(0x1000, hard: TenPackets);
        Assert.Equal(SadStatus.Ok, db.Add(sa));
        long generation = db.Generation;
        SecurityAssociation proposed = build();

        Assert.True(SadStatus.Invalid == db.Update(proposed, out SecurityAssociation? installed), description);

        Assert.Null(installed);
        Assert.Equal(TenPackets, sa.HardLimits);
        Assert.Equal(EncryptionKey, sa.Encryption!.Key.ToArray());
        Assert.Equal(generation, db.Generation);
    }

    [Fact]
    public void Updating_a_dying_sa_with_new_lifetimes_makes_it_mature_so_the_new_soft_limit_can_fire()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        SecurityAssociation sa = Esp(0x1000, soft: new LifetimeLimits(0, 1, TimeSpan.Zero, TimeSpan.Zero));
        Assert.Equal(SadStatus.Ok, db.Add(sa));
        db.Account(sa, 10);
        Assert.Equal(SaState.Dying, sa.State);

        Assert.Equal(SadStatus.Ok, db.Update(Esp(0x1000, soft: new LifetimeLimits(0, 3, TimeSpan.Zero, TimeSpan.Zero)), out _));
        Assert.Equal(SaState.Mature, sa.State);
        db.Account(sa, 10);
        db.Account(sa, 10);

        Assert.Equal(SaState.Dying, sa.State);
        Assert.Equal(2, listener.Expirations.Count(e => e.Kind == ExpiryKind.Soft));
    }

    [Fact]
    public void An_update_answering_an_acquire_replaces_the_acquire_state_that_got_the_spi()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 2), null, out uint sequence));
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 2, 0x100, 0xFFFFFFFF, sequence, out SecurityAssociation? larval));
        Assert.True(larval!.IsAcquireState);
        Assert.Equal(1, db.Count);

        SecurityAssociation proposed = Esp(larval.Spi, reqId: 2, acquireSequence: sequence);
        Assert.Equal(SadStatus.Ok, db.Update(proposed, out _));

        Assert.Equal(SaState.Dead, larval.State);
        Assert.Equal([proposed], db.Dump());
        Assert.Equal(sequence, proposed.AcquireSequence);
        Assert.Same(proposed, db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 2));
    }

    [Fact]
    public void An_update_carrying_the_sequence_also_removes_a_separate_acquire_state()
    {
        var db = NewDatabase(NewClock());
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 2), null, out uint sequence));
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 2, 0x100, 0xFFFFFFFF, 0, out SecurityAssociation? larval));
        Assert.Equal(2, db.Count);

        Assert.Equal(SadStatus.Ok, db.Update(Esp(larval!.Spi, reqId: 2, acquireSequence: sequence), out _));

        Assert.Equal(1, db.Count);
        Assert.DoesNotContain(db.Dump(), sa => sa.IsAcquireState);
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 2), null, out uint next));
        Assert.NotEqual(sequence, next);
    }

    [Fact]
    public void An_add_answers_the_acquire_named_by_its_sequence()
    {
        var db = NewDatabase(NewClock());
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 2), null, out uint sequence));

        // Another reqid, so only the sequence ties the SA to the acquire state.
        Assert.Equal(SadStatus.Ok, db.Add(Esp(0x1000, reqId: 9, acquireSequence: sequence)));

        Assert.Equal(1, db.Count);
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 2), null, out _));
    }

    [Fact]
    public void An_add_without_a_sequence_answers_the_acquire_of_its_flow()
    {
        var db = NewDatabase(NewClock());
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 2), null, out _));
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 3), null, out _));

        Assert.Equal(SadStatus.Ok, db.Add(Esp(0x1000, reqId: 2)));

        Assert.Equal(2, db.Count);
        Assert.Contains(db.Dump(), sa => sa.IsAcquireState && sa.ReqId == 3);
        Assert.DoesNotContain(db.Dump(), sa => sa.IsAcquireState && sa.ReqId == 2);
    }
}

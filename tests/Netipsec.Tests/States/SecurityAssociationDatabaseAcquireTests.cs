using Netipsec.Engine;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SecurityAssociationDatabaseAcquireTests
{
    [Fact]
    public void The_first_acquire_creates_a_state_and_tells_key_managers()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        PolicyTemplate template = Template(IpsecProtocol.Esp, XfrmMode.Tunnel, reqId: 4);
        var policy = new SecurityPolicy(PolicyDirection.Out, HostSelector, PolicyAction.Ipsec, [template]);

        Assert.True(db.Acquire(Local, Peer, HostSelector, template, policy, out uint sequence));

        Assert.NotEqual(0u, sequence);
        AcquireRequest request = Assert.Single(listener.Acquires);
        Assert.Equal(new AcquireRequest(sequence, Local, Peer, HostSelector, template, policy), request);
        SecurityAssociation state = Assert.Single(db.Dump());
        Assert.True(state.IsAcquireState);
        Assert.Equal((0u, SaState.Larval, XfrmMode.Tunnel, 4u), (state.Spi, state.State, state.Mode, state.ReqId));
        Assert.Equal(sequence, state.AcquireSequence);
        Assert.False(db.TryLookupBySpi(Peer, 0, IpsecProtocol.Esp, out _));
        Assert.Null(db.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, 4));
    }

    [Fact]
    public void A_failed_acquire_removes_the_state_so_the_next_packet_asks_again()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 4), null, out uint sequence));
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Tunnel, 4, 0x900, 0x900, sequence, out _));

        Assert.Equal(SadStatus.NotFound, db.FailAcquire(sequence + 1));
        Assert.Equal(SadStatus.Ok, db.FailAcquire(sequence));

        Assert.Equal(0, db.Count);
        Assert.Equal(SadStatus.NotFound, db.Get(new SaId(Peer, 0x900, IpsecProtocol.Esp), out _));
        Assert.Equal(SadStatus.NotFound, db.FailAcquire(sequence));
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 4), null, out uint retried));
        Assert.NotEqual(sequence, retried);
        Assert.Equal(2, listener.Acquires.Count);
    }

    [Fact]
    public void Further_acquires_for_the_same_flow_are_suppressed_while_the_state_lives()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 4), null, out uint sequence));

        Assert.False(db.Acquire(Local, Peer, HostSelector, Template(reqId: 4), null, out uint again));

        Assert.Equal(sequence, again);
        Assert.Single(listener.Acquires);
        Assert.Equal(1, db.Count);
    }

    [Fact]
    public void Acquires_for_other_flows_are_separate()
    {
        var listener = new RecordingListener();
        var db = NewDatabase(NewClock(), listener);
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 4), null, out uint first));

        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(reqId: 5), null, out uint otherReqId));
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(IpsecProtocol.Ah, reqId: 4), null, out uint otherProtocol));
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(mode: XfrmMode.Tunnel, reqId: 4), null, out uint otherMode));
        Assert.True(db.Acquire(Local, Other, HostSelector, Template(reqId: 4), null, out uint otherDestination));

        Assert.Equal(5, new HashSet<uint> { first, otherReqId, otherProtocol, otherMode, otherDestination }.Count);
        Assert.Equal(5, listener.Acquires.Count);
    }

    [Fact]
    public void An_acquire_state_expires_after_30_seconds_silently_and_a_new_acquire_goes_out()
    {
        var clock = NewClock();
        var listener = new RecordingListener();
        var db = NewDatabase(clock, listener);
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(), null, out uint first));

        clock.Advance(TimeSpan.FromSeconds(29));
        db.RunExpiry();
        Assert.False(db.Acquire(Local, Peer, HostSelector, Template(), null, out _));

        clock.Advance(TimeSpan.FromSeconds(1));
        db.RunExpiry();
        Assert.Equal(0, db.Count);
        Assert.Empty(listener.Expirations);

        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(), null, out uint second));
        Assert.NotEqual(first, second);
        Assert.Equal(2, listener.Acquires.Count);
    }

    [Fact]
    public void The_acquire_lifetime_is_configurable()
    {
        var clock = NewClock();
        var db = NewDatabase(clock, options: new SadOptions { AcquireLifetime = TimeSpan.FromSeconds(5) });
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(), null, out _));

        clock.Advance(TimeSpan.FromSeconds(5));
        db.RunExpiry();

        Assert.Equal(0, db.Count);
    }

    [Fact]
    public void A_getspi_reservation_expires_after_the_larval_lifetime_with_a_hard_event()
    {
        var clock = NewClock();
        var listener = new RecordingListener();
        var db = NewDatabase(clock, listener, options: new SadOptions { LarvalLifetime = TimeSpan.FromSeconds(10) });
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 256, uint.MaxValue, 0, out SecurityAssociation? larval));

        clock.Advance(TimeSpan.FromSeconds(9));
        db.RunExpiry();
        Assert.Equal(1, db.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        db.RunExpiry();

        Assert.Equal(0, db.Count);
        Assert.False(db.TryLookupBySpi(Peer, larval!.Spi, IpsecProtocol.Esp, out _));
        Assert.Equal((larval, ExpiryKind.Hard, SaState.Dead), Assert.Single(listener.Expirations));
    }

    [Fact]
    public void An_acquire_state_that_got_an_spi_expires_with_a_hard_event()
    {
        var clock = NewClock();
        var listener = new RecordingListener();
        var db = NewDatabase(clock, listener);
        Assert.True(db.Acquire(Local, Peer, HostSelector, Template(), null, out uint sequence));
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 256, uint.MaxValue, sequence, out SecurityAssociation? larval));

        clock.Advance(TimeSpan.FromSeconds(30));
        db.RunExpiry();

        Assert.Equal(0, db.Count);
        Assert.Equal((larval!, ExpiryKind.Hard, SaState.Dead), Assert.Single(listener.Expirations));
    }

    [Fact]
    public void A_completed_reservation_no_longer_times_out()
    {
        var clock = NewClock();
        var db = NewDatabase(clock);
        Assert.Equal(SadStatus.Ok, db.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 256, uint.MaxValue, 0, out SecurityAssociation? larval));
        SecurityAssociation proposed = Esp(larval!.Spi);
        Assert.Equal(SadStatus.Ok, db.Update(proposed, out _));

        clock.Advance(TimeSpan.FromMinutes(5));
        db.RunExpiry();

        Assert.Equal(SaState.Mature, proposed.State);
        Assert.Equal(1, db.Count);
    }
}

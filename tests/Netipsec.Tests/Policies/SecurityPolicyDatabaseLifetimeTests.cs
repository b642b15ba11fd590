using Microsoft.Extensions.Time.Testing;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.Tests.Policies.PolicyBuilder;

namespace Netipsec.Tests.Policies;

/// <summary>Policy lifetimes: soft and hard limits by bytes, packets, time since add and time since first use.</summary>
public sealed class SecurityPolicyDatabaseLifetimeTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingKeyManagerListener _events = new();
    private readonly SecurityPolicyDatabase _spd;

    public SecurityPolicyDatabaseLifetimeTests() => _spd = new SecurityPolicyDatabase(_time, _events);

    private static SecurityPolicy Limited(LifetimeLimits soft, LifetimeLimits hard) =>
        new(PolicyDirection.Out, Sel("10.0.0.0/8", "0.0.0.0/0"), PolicyAction.Bypass) { SoftLimits = soft, HardLimits = hard };

    private static LifetimeLimits Bytes(ulong bytes) => new(bytes, 0, TimeSpan.Zero, TimeSpan.Zero);

    private static LifetimeLimits Packets(ulong packets) => new(0, packets, TimeSpan.Zero, TimeSpan.Zero);

    private static LifetimeLimits AddSeconds(int seconds) => new(0, 0, TimeSpan.FromSeconds(seconds), TimeSpan.Zero);

    private static LifetimeLimits UseSeconds(int seconds) => new(0, 0, TimeSpan.Zero, TimeSpan.FromSeconds(seconds));

    [Fact]
    public void Account_counts_bytes_packets_and_the_first_use_time()
    {
        SecurityPolicy policy = Limited(LifetimeLimits.None, LifetimeLimits.None);
        _spd.Add(policy);
        _time.Advance(TimeSpan.FromSeconds(3));

        _spd.Account(policy, 100);
        _time.Advance(TimeSpan.FromSeconds(3));
        _spd.Account(policy, 50);

        Assert.Equal(150ul, policy.Current.Bytes);
        Assert.Equal(2ul, policy.Current.Packets);
        Assert.Equal(Start.AddSeconds(3), policy.Current.UseTime);
        Assert.Empty(_events.PolicyExpiries);
    }

    [Fact]
    public void Soft_byte_limit_is_raised_once_and_the_policy_keeps_working()
    {
        SecurityPolicy policy = Limited(Bytes(1000), LifetimeLimits.None);
        _spd.Add(policy);

        _spd.Account(policy, 999);
        Assert.Empty(_events.PolicyExpiries);
        _spd.Account(policy, 1);
        _spd.Account(policy, 500);

        Assert.Equal([(policy, ExpiryKind.Soft)], _events.PolicyExpiries);
        Assert.True(policy.IsSoftExpired);
        Assert.False(policy.IsDead);
        Assert.Same(policy, _spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1")));
    }

    [Fact]
    public void Hard_packet_limit_deletes_the_policy_and_raises_hard()
    {
        SecurityPolicy policy = Limited(Packets(2), Packets(3));
        _spd.Add(policy);
        long generation = _spd.Generation;

        _spd.Account(policy, 10);
        _spd.Account(policy, 10);
        _spd.Account(policy, 10);
        _spd.Account(policy, 10);

        Assert.Equal([(policy, ExpiryKind.Soft), (policy, ExpiryKind.Hard)], _events.PolicyExpiries);
        Assert.True(policy.IsDead);
        Assert.Equal(0, _spd.Count);
        Assert.NotEqual(generation, _spd.Generation);
        Assert.Null(_spd.Lookup(PolicyDirection.Out, FlowOf("10.0.0.1", "192.0.2.1")));
        Assert.Equal(3ul, policy.Current.Packets);
    }

    [Fact]
    public void Hard_byte_limit_reached_at_once_skips_soft()
    {
        SecurityPolicy policy = Limited(Bytes(100), Bytes(200));
        _spd.Add(policy);

        _spd.Account(policy, 500);

        Assert.Equal([(policy, ExpiryKind.Hard)], _events.PolicyExpiries);
        Assert.True(policy.IsDead);
    }

    [Fact]
    public void Accounting_a_policy_that_was_replaced_raises_nothing()
    {
        SecurityPolicy old = Limited(LifetimeLimits.None, Bytes(10));
        _spd.Add(old);
        _spd.Update(Limited(LifetimeLimits.None, Bytes(10)));

        _spd.Account(old, 100);

        Assert.Empty(_events.PolicyExpiries);
        Assert.Equal(1, _spd.Count);
    }

    [Fact]
    public void Soft_add_time_limit_is_raised_once_by_RunExpiry()
    {
        SecurityPolicy policy = Limited(AddSeconds(10), AddSeconds(30));
        _spd.Add(policy);

        _time.Advance(TimeSpan.FromSeconds(9));
        _spd.RunExpiry();
        Assert.Empty(_events.PolicyExpiries);

        _time.Advance(TimeSpan.FromSeconds(1));
        _spd.RunExpiry();
        _time.Advance(TimeSpan.FromSeconds(5));
        _spd.RunExpiry();

        Assert.Equal([(policy, ExpiryKind.Soft)], _events.PolicyExpiries);
        Assert.False(policy.IsDead);
    }

    [Fact]
    public void Hard_add_time_limit_deletes_the_policy_when_due_and_not_before()
    {
        SecurityPolicy policy = Limited(AddSeconds(10), AddSeconds(30));
        _spd.Add(policy);

        _time.Advance(TimeSpan.FromSeconds(29));
        _spd.RunExpiry();
        Assert.False(policy.IsDead);

        _time.Advance(TimeSpan.FromSeconds(1));
        _spd.RunExpiry();

        Assert.Equal([(policy, ExpiryKind.Soft), (policy, ExpiryKind.Hard)], _events.PolicyExpiries);
        Assert.True(policy.IsDead);
        Assert.Equal(0, _spd.Count);
    }

    [Fact]
    public void One_late_pass_raises_only_hard_when_both_limits_passed()
    {
        SecurityPolicy policy = Limited(AddSeconds(10), AddSeconds(30));
        _spd.Add(policy);

        _time.Advance(TimeSpan.FromSeconds(100));
        _spd.RunExpiry();

        Assert.Equal([(policy, ExpiryKind.Hard)], _events.PolicyExpiries);
    }

    [Fact]
    public void Use_time_limit_starts_at_the_first_use()
    {
        SecurityPolicy policy = Limited(UseSeconds(5), UseSeconds(20));
        _spd.Add(policy);

        _time.Advance(TimeSpan.FromSeconds(100));
        _spd.RunExpiry();
        Assert.Empty(_events.PolicyExpiries);

        _spd.Account(policy, 1);
        _time.Advance(TimeSpan.FromSeconds(5));
        _spd.RunExpiry();
        Assert.Equal([(policy, ExpiryKind.Soft)], _events.PolicyExpiries);

        _time.Advance(TimeSpan.FromSeconds(15));
        _spd.RunExpiry();
        Assert.Equal([(policy, ExpiryKind.Soft), (policy, ExpiryKind.Hard)], _events.PolicyExpiries);
        Assert.True(policy.IsDead);
    }

    [Fact]
    public void Time_limits_of_a_deleted_or_replaced_policy_never_fire()
    {
        SecurityPolicy deleted = Limited(AddSeconds(5), AddSeconds(10));
        _spd.Add(deleted);
        _spd.Delete(PolicyDirection.Out, deleted.Selector, out _);
        SecurityPolicy replaced = Limited(AddSeconds(5), AddSeconds(10));
        _spd.Add(replaced);
        _time.Advance(TimeSpan.FromSeconds(4));
        SecurityPolicy replacement = Limited(LifetimeLimits.None, AddSeconds(10));
        _spd.Update(replacement);

        _time.Advance(TimeSpan.FromSeconds(8));
        _spd.RunExpiry();

        Assert.Empty(_events.PolicyExpiries);
        Assert.False(replacement.IsDead);

        _time.Advance(TimeSpan.FromSeconds(2));
        _spd.RunExpiry();
        Assert.Equal([(replacement, ExpiryKind.Hard)], _events.PolicyExpiries);
    }

    [Fact]
    public void Flush_drops_pending_time_limits()
    {
        SecurityPolicy policy = Limited(AddSeconds(5), AddSeconds(10));
        _spd.Add(policy);
        _spd.Flush();

        Assert.Equal(0, _spd.ScheduledExpiryCount);
        _time.Advance(TimeSpan.FromSeconds(20));
        _spd.RunExpiry();
        Assert.Empty(_events.PolicyExpiries);
    }

    [Fact]
    public void Stale_timer_entries_of_deleted_policies_are_compacted()
    {
        for (int i = 0; i < 1000; i++)
        {
            SecurityPolicy policy = Limited(AddSeconds(3600), AddSeconds(7200));
            _spd.Add(policy);
            _spd.Delete(PolicyDirection.Out, policy.Selector, out _);
        }

        Assert.True(_spd.ScheduledExpiryCount <= 65, $"{_spd.ScheduledExpiryCount} entries left");
    }

    [Fact]
    public void Policies_without_limits_put_nothing_in_the_scheduler()
    {
        SecurityPolicy policy = Limited(LifetimeLimits.None, Bytes(100));
        _spd.Add(policy);
        _spd.Account(policy, 1);

        Assert.Equal(0, _spd.ScheduledExpiryCount);
    }

    [Fact]
    public void Accounting_a_dead_policy_changes_nothing()
    {
        SecurityPolicy policy = Limited(LifetimeLimits.None, LifetimeLimits.None);
        _spd.Add(policy);
        _spd.Delete(PolicyDirection.Out, policy.Selector, out _);

        _spd.Account(policy, 100);

        Assert.Equal(0ul, policy.Current.Packets);
    }
}

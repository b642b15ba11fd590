using Netipsec.Common;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Policies;

/// <summary>
/// The Security Policy Database (RFC 4301 §4.4.1; Linux's per-namespace policy tables): installed policies by
/// direction and selector, the data-path <see cref="Lookup"/>, and policy lifetimes.
/// </summary>
/// <remarks>
/// <para>
/// Identity: one policy per (direction, selector), the selector compared in full (prefixes, ports and masks,
/// protocol, interface), as Linux compares selectors. Each installed policy gets an index
/// <c>(counter &lt;&lt; 3) | direction</c>, so the direction can be read back from it; counters are never reused
/// while the SPD lives (an update keeps the index of the policy it replaces, as Linux does).
/// </para>
/// <para>
/// Precedence (Linux): of the matching policies the one with the lowest <see cref="SecurityPolicy.Priority"/>
/// wins; on equal priority the one installed first. An update takes the replaced policy's place when the priority
/// is unchanged and otherwise goes behind every policy of its new priority, exactly where Linux's
/// xfrm_policy_insert_list puts it.
/// </para>
/// <para>
/// Thread-safety: <see cref="Lookup"/> never blocks and allocates nothing; it reads immutable structures that
/// writers replace and publish with <see cref="Volatile"/>. Every other member serialises on one write lock, and a
/// write copies only the small parts it changes (never the whole table). Installed policies belong to the SPD:
/// it sets their <see cref="SecurityPolicy.Index"/>, <see cref="SecurityPolicy.Current"/> lifetime and
/// <see cref="SecurityPolicy.IsDead"/> flag. Key-manager events are raised synchronously under the write lock.
/// </para>
/// </remarks>
public sealed partial class SecurityPolicyDatabase
{
    private const int DirectionBits = 3;
    private const uint DirectionMask = (1u << DirectionBits) - 1;
    private const uint MaxIndexCounter = uint.MaxValue >> DirectionBits;
    private const int DirectionCount = 3;

    private readonly TimeProvider _time;
    private readonly IKeyManagerListener? _events;
    private readonly Lock _writeLock = new();

    // Lookup index per (direction, IP version); see SpaceOf.
    private readonly PolicyTupleSpace[] _spaces = new PolicyTupleSpace[DirectionCount * 2];

    // Writer-side maps, only touched under _writeLock.
    private readonly Dictionary<(PolicyDirection Direction, Selector Selector), RankedPolicy> _bySelector = [];
    private readonly Dictionary<uint, SecurityPolicy> _byIndex = [];
    private readonly ExpiryScheduler<SecurityPolicy> _expiry = new();
    private ulong _lastOrder;
    private long _generation;
    private int _count;

    /// <param name="time">The clock for add/use times and time limits.</param>
    /// <param name="events">Receives policy expiry events (SADB_X_SPDEXPIRE); may be null.</param>
    public SecurityPolicyDatabase(TimeProvider time, IKeyManagerListener? events = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _events = events;
        for (int i = 0; i < _spaces.Length; i++)
        {
            _spaces[i] = new PolicyTupleSpace();
        }
    }

    /// <summary>Changes with every add, update, delete, flush and hard expiry; flow caches drop entries of an older generation.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Installed policies.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The counter the next new index is made from (tests start it near exhaustion).</summary>
    internal uint NextIndexCounter { get; set; } = 1;

    /// <summary>Time-limit entries waiting in the expiry scheduler, stale ones included.</summary>
    internal int ScheduledExpiryCount => _expiry.Count;

    /// <summary>The direction encoded in a policy index; false when the low bits name no direction.</summary>
    public static bool TryGetDirectionOfIndex(uint index, out PolicyDirection direction)
    {
        direction = (PolicyDirection)(index & DirectionMask);
        return index != 0 && Enum.IsDefined(direction);
    }

    /// <summary>
    /// Installs a new policy (setkey spdadd, XFRM_MSG_NEWPOLICY), stamping its index and add time.
    /// </summary>
    /// <returns>
    /// <see cref="SpdStatus.Ok"/>; <see cref="SpdStatus.Exists"/> when the direction and selector are taken;
    /// <see cref="SpdStatus.Invalid"/>, <see cref="SpdStatus.AlreadyInstalled"/> or
    /// <see cref="SpdStatus.IndexesExhausted"/> as documented there.
    /// </returns>
    public SpdStatus Add(SecurityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_writeLock)
        {
            SpdStatus status = CheckNew(policy);
            if (status != SpdStatus.Ok)
            {
                return status;
            }

            return _bySelector.ContainsKey(KeyOf(policy)) ? SpdStatus.Exists : InstallWithNewIndex(policy);
        }
    }

    /// <summary>Replaces the policy of the same direction and selector (setkey spdupdate); see <see cref="Update(SecurityPolicy, out SecurityPolicy?)"/>.</summary>
    public SpdStatus Update(SecurityPolicy policy) => Update(policy, out _);

    /// <summary>
    /// Replaces the installed policy of the same direction and selector with <paramref name="policy"/>, which keeps
    /// the old index but starts a new lifetime; the old one is marked dead. When there is none, installs
    /// <paramref name="policy"/> as <see cref="Add"/> would: Linux (XFRM_MSG_UPDPOLICY, SADB_X_SPDUPDATE) and KAME
    /// both do, so key managers may use update as "add or replace".
    /// </summary>
    /// <param name="policy">The new policy.</param>
    /// <param name="replaced">The policy it replaced, or null when it was added.</param>
    /// <returns><see cref="SpdStatus.Ok"/>, or <see cref="SpdStatus.Invalid"/>, <see cref="SpdStatus.AlreadyInstalled"/>, <see cref="SpdStatus.IndexesExhausted"/>.</returns>
    public SpdStatus Update(SecurityPolicy policy, out SecurityPolicy? replaced)
    {
        ArgumentNullException.ThrowIfNull(policy);
        replaced = null;
        lock (_writeLock)
        {
            SpdStatus status = CheckNew(policy);
            if (status != SpdStatus.Ok)
            {
                return status;
            }

            if (!_bySelector.TryGetValue(KeyOf(policy), out RankedPolicy old))
            {
                return InstallWithNewIndex(policy);
            }

            // Linux keeps the replaced policy's slot among equal priorities, and queues a new priority behind its peers.
            ulong order = old.Priority == policy.Priority ? old.Order : ++_lastOrder;
            Install(policy, old.Policy.Index, order, old);
            Kill(old.Policy);
            replaced = old.Policy;
            return SpdStatus.Ok;
        }
    }

    /// <summary>Removes the policy of a direction and selector (setkey spddelete) and marks it dead.</summary>
    /// <returns><see cref="SpdStatus.Ok"/> with <paramref name="removed"/> set, or <see cref="SpdStatus.NotFound"/>.</returns>
    public SpdStatus Delete(PolicyDirection direction, Selector selector, out SecurityPolicy? removed)
    {
        ArgumentNullException.ThrowIfNull(selector);
        lock (_writeLock)
        {
            if (!_bySelector.TryGetValue((direction, selector), out RankedPolicy entry))
            {
                removed = null;
                return SpdStatus.NotFound;
            }

            Remove(entry);
            removed = entry.Policy;
            return SpdStatus.Ok;
        }
    }

    /// <summary>Removes the policy with an index (setkey spddelete by id, SADB_X_SPDDELETE2) and marks it dead.</summary>
    /// <returns><see cref="SpdStatus.Ok"/> with <paramref name="removed"/> set, or <see cref="SpdStatus.NotFound"/>.</returns>
    public SpdStatus DeleteByIndex(uint index, out SecurityPolicy? removed)
    {
        lock (_writeLock)
        {
            if (!_byIndex.TryGetValue(index, out SecurityPolicy? policy))
            {
                removed = null;
                return SpdStatus.NotFound;
            }

            Remove(_bySelector[KeyOf(policy)]);
            removed = policy;
            return SpdStatus.Ok;
        }
    }

    /// <summary>The installed policy of exactly this direction and selector (SADB_X_SPDGET), or null.</summary>
    public SecurityPolicy? Get(PolicyDirection direction, Selector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        lock (_writeLock)
        {
            return _bySelector.TryGetValue((direction, selector), out RankedPolicy entry) ? entry.Policy : null;
        }
    }

    /// <summary>The installed policy with an index, or null.</summary>
    public SecurityPolicy? GetByIndex(uint index)
    {
        lock (_writeLock)
        {
            return _byIndex.GetValueOrDefault(index);
        }
    }

    /// <summary>Removes every policy (setkey spdflush) and marks them dead; the generation changes only when one was removed.</summary>
    /// <returns>How many policies were removed.</returns>
    public int Flush()
    {
        lock (_writeLock)
        {
            int removed = _bySelector.Count;
            if (removed == 0)
            {
                return 0;
            }

            foreach (PolicyTupleSpace space in _spaces)
            {
                space.Clear();
            }

            foreach (RankedPolicy entry in _bySelector.Values)
            {
                Kill(entry.Policy);
            }

            _bySelector.Clear();
            _byIndex.Clear();
            _expiry.Clear();
            Changed();
            return removed;
        }
    }

    /// <summary>A snapshot of the installed policies (setkey -DP): by direction, then in lookup precedence (priority, then installed first).</summary>
    public IReadOnlyList<SecurityPolicy> Dump()
    {
        RankedPolicy[] entries;
        lock (_writeLock)
        {
            entries = [.. _bySelector.Values];
        }

        Array.Sort(entries, static (left, right) =>
            left.Policy.Direction != right.Policy.Direction ? left.Policy.Direction.CompareTo(right.Policy.Direction)
            : left.Precedes(right) ? -1
            : right.Precedes(left) ? 1
            : 0);
        var policies = new SecurityPolicy[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            policies[i] = entries[i].Policy;
        }

        return policies;
    }

    /// <summary>
    /// The data-path lookup: the policy of <paramref name="direction"/> that wins for <paramref name="flow"/>, or null
    /// when none matches (or the direction or the flow's IP version is unknown). Never blocks, allocates nothing.
    /// The caller accounts the traffic with <see cref="Account"/>.
    /// </summary>
    public SecurityPolicy? Lookup(PolicyDirection direction, in Flow flow)
    {
        PolicyTupleSpace? space = SpaceOf(direction, flow.Version);
        return space?.Lookup(flow);
    }

    private static (PolicyDirection, Selector) KeyOf(SecurityPolicy policy) => (policy.Direction, policy.Selector);

    private PolicyTupleSpace? SpaceOf(PolicyDirection direction, IpVersion version)
    {
        int family = version switch { IpVersion.V4 => 0, IpVersion.V6 => 1, _ => -1 };
        return family < 0 || (uint)direction >= DirectionCount ? null : _spaces[((int)direction * 2) + family];
    }

    private static SpdStatus CheckNew(SecurityPolicy policy) =>
        policy.Index != 0 || policy.IsDead ? SpdStatus.AlreadyInstalled
        : !PolicyValidator.IsValid(policy) ? SpdStatus.Invalid
        : SpdStatus.Ok;

    private SpdStatus InstallWithNewIndex(SecurityPolicy policy)
    {
        if (NextIndexCounter > MaxIndexCounter)
        {
            return SpdStatus.IndexesExhausted;
        }

        uint index = (NextIndexCounter++ << DirectionBits) | (uint)policy.Direction;
        Install(policy, index, ++_lastOrder, replaced: null);
        return SpdStatus.Ok;
    }

    private void Install(SecurityPolicy policy, uint index, ulong order, RankedPolicy? replaced)
    {
        // Everything a reader may look at is set before the lookup index publishes the policy.
        policy.Index = index;
        policy.Current = new LifetimeCurrent(_time.GetUtcNow());
        var entry = new RankedPolicy(policy, order);
        _bySelector[KeyOf(policy)] = entry;
        _byIndex[index] = policy;
        SpaceOf(policy.Direction, policy.Selector.Version)!.Change(policy.Selector, replaced, entry);
        ScheduleNextDeadline(policy);
        Changed();
    }

    private void Remove(RankedPolicy entry)
    {
        SecurityPolicy policy = entry.Policy;
        _bySelector.Remove(KeyOf(policy));
        _byIndex.Remove(policy.Index);
        SpaceOf(policy.Direction, policy.Selector.Version)!.Change(policy.Selector, entry, added: null);
        Kill(policy);
        Changed();
        CompactExpiryIfStale();
    }

    /// <summary>Marks a policy that left the SPD; its generation id moves on, as Linux's xfrm_policy_kill bumps genid, so bundles built on it go stale.</summary>
    private static void Kill(SecurityPolicy policy)
    {
        policy.IsDead = true;
        policy.GenerationId++;
    }

    private void Changed()
    {
        Volatile.Write(ref _count, _bySelector.Count);
        Interlocked.Increment(ref _generation);
    }
}

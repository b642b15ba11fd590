using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.Engine;

/// <summary>
/// Holds outbound packets whose bundle is still missing an SA until key management installs it (Linux's per-policy
/// polq with xfrm_larval_drop = 0), instead of dropping them: at most <see cref="MaxPacketsPerPolicy"/> per policy.
/// </summary>
/// <remarks>
/// <para>
/// The output path calls <see cref="TryHold"/> for a packet that resolved to <see cref="BundleStatus.Missing"/>, and
/// <see cref="Process{TState}"/> from its periodic timer and right after an SA is added. Process offers each policy's
/// packets in order to a callback that resolves again: it sends (or drops) the packet and answers
/// <see cref="HeldPacketVerdict.Taken"/>, or answers <see cref="HeldPacketVerdict.Keep"/>, which leaves that packet and
/// the ones behind it queued, so a policy's packets leave in the order they came (like Linux, which retries the queue
/// head and then releases the whole queue). Packets that arrive while a queue is being released may overtake it.
/// </para>
/// <para>
/// A packet held longer than <see cref="Timeout"/> is returned to its pool and counted as expired (the caller's
/// <see cref="DropReason.OutNoStates"/>); the packets of a policy that died are returned and counted for
/// <see cref="DropReason.OutPolDead"/>. Linux retries with a timer that doubles from 0.1 s and purges the queue after
/// the 60 s step; a fixed per-packet age with a default of <see cref="DefaultTimeout"/> keeps stale packets (a key
/// exchange that failed) from being sent late, while a working exchange finishes well within it.
/// </para>
/// <para>
/// Thread-safe: any thread may hold packets; Process passes are serialised. A held packet belongs to the queue until it
/// is taken or returned to its pool.
/// </para>
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Linux's hold queue: the noun users of XFRM know; it is a queue.")]
public sealed class HoldQueue
{
    /// <summary>Linux's XFRM_MAX_QUEUE_LEN: packets held per policy.</summary>
    public const int MaxPacketsPerPolicy = 100;

    /// <summary>How long a packet is held by default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<SecurityPolicy, PolicyHoldQueue> _queues = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _processLock = new();
    private int _count;

    /// <param name="time">The clock packet ages are measured with.</param>
    /// <param name="timeout">How long a packet may wait; <see cref="DefaultTimeout"/> when null.</param>
    public HoldQueue(TimeProvider time, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        TimeSpan value = timeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(timeout));
        _time = time;
        Timeout = value;
    }

    /// <summary>How long a packet may wait for its bundle.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Packets held now, over all policies.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Packets held now for one policy.</summary>
    public int CountOf(SecurityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!_queues.TryGetValue(policy, out PolicyHoldQueue? queue))
        {
            return 0;
        }

        lock (queue.Sync)
        {
            return queue.Packets.Count;
        }
    }

    /// <summary>Queues <paramref name="packet"/> behind the other packets waiting for <paramref name="policy"/>'s bundle.</summary>
    /// <returns>
    /// True when the queue took the packet (it owns it now); false when the policy already holds
    /// <see cref="MaxPacketsPerPolicy"/> packets or is dead: the caller still owns the packet and drops it
    /// (<see cref="DropReason.OutNoStates"/>, or <see cref="DropReason.OutPolDead"/> for a dead policy).
    /// </returns>
    public bool TryHold(SecurityPolicy policy, Packet packet)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(packet);
        while (!policy.IsDead)
        {
            PolicyHoldQueue queue = _queues.GetOrAdd(policy, static _ => new PolicyHoldQueue());
            lock (queue.Sync)
            {
                if (queue.Retired)
                {
                    continue; // emptied and removed by a Process pass meanwhile; take the new one
                }

                if (queue.Packets.Count >= MaxPacketsPerPolicy)
                {
                    return false;
                }

                queue.Packets.Enqueue((packet, _time.GetTimestamp()));
                Interlocked.Increment(ref _count);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Offers the held packets to <paramref name="retry"/>, policy by policy and oldest first, after returning the
    /// expired ones and the packets of dead policies to their pools.
    /// </summary>
    /// <param name="state">Passed to <paramref name="retry"/>, so the callback can be static.</param>
    /// <param name="retry">
    /// Resolves the packet's bundle again. <see cref="HeldPacketVerdict.Taken"/>: the callback now owns the packet
    /// (sent it, or dropped and counted it). <see cref="HeldPacketVerdict.Keep"/>: it stays held, and so do the
    /// policy's later packets until the next pass. It must not throw, must not call <see cref="TryHold"/> for the
    /// packet it is offered, and must not call <see cref="Process{TState}"/> or <see cref="Clear"/> (a pass relies on
    /// being the only one taking packets off the queues); an SA added from the callback is picked up by the next pass.
    /// </param>
    /// <returns>How many packets were taken, expired and purged for dead policies.</returns>
    public HoldQueueSweep Process<TState>(TState state, Func<TState, SecurityPolicy, Packet, HeldPacketVerdict> retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        int taken = 0;
        int expired = 0;
        int policyDead = 0;
        lock (_processLock)
        {
            foreach (KeyValuePair<SecurityPolicy, PolicyHoldQueue> pair in _queues)
            {
                SecurityPolicy policy = pair.Key;
                PolicyHoldQueue queue = pair.Value;
                while (true)
                {
                    Packet packet;
                    lock (queue.Sync)
                    {
                        if (policy.IsDead)
                        {
                            policyDead += DropAll(queue);
                        }

                        if (queue.Packets.Count == 0)
                        {
                            Retire(policy, queue);
                            break;
                        }

                        (packet, long queuedAt) = queue.Packets.Peek();
                        if (_time.GetElapsedTime(queuedAt) >= Timeout)
                        {
                            DropHead(queue);
                            expired++;
                            continue;
                        }
                    }

                    // Outside the queue's lock: the callback may send the packet, and other threads keep holding.
                    // Only Process dequeues, under _processLock, so the head is still this packet afterwards.
                    if (retry(state, policy, packet) == HeldPacketVerdict.Keep)
                    {
                        break;
                    }

                    lock (queue.Sync)
                    {
                        queue.Packets.Dequeue();
                        Interlocked.Decrement(ref _count);
                    }

                    taken++;
                }
            }
        }

        return new HoldQueueSweep(taken, expired, policyDead);
    }

    /// <summary>Returns every held packet to its pool (shutdown, or a flush of the SPD).</summary>
    /// <returns>How many packets were dropped; the caller counts them.</returns>
    public int Clear()
    {
        int dropped = 0;
        lock (_processLock)
        {
            foreach (KeyValuePair<SecurityPolicy, PolicyHoldQueue> pair in _queues)
            {
                lock (pair.Value.Sync)
                {
                    dropped += DropAll(pair.Value);
                    Retire(pair.Key, pair.Value);
                }
            }
        }

        return dropped;
    }

    /// <summary>Under the queue's lock.</summary>
    private int DropAll(PolicyHoldQueue queue)
    {
        int dropped = queue.Packets.Count;
        while (queue.Packets.Count > 0)
        {
            DropHead(queue);
        }

        return dropped;
    }

    /// <summary>Under the queue's lock.</summary>
    private void DropHead(PolicyHoldQueue queue)
    {
        Packet packet = queue.Packets.Dequeue().Packet;
        Interlocked.Decrement(ref _count);
        packet.Pool.Return(packet);
    }

    /// <summary>Under the queue's lock, which keeps holders from adding to a queue that leaves the table.</summary>
    private void Retire(SecurityPolicy policy, PolicyHoldQueue queue)
    {
        queue.Retired = true;
        _queues.TryRemove(new KeyValuePair<SecurityPolicy, PolicyHoldQueue>(policy, queue));
    }
}

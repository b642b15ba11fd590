using System.Buffers;
using System.Runtime.CompilerServices;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Transforms.Modes;
using Netipsec.Transforms;

namespace Netipsec.Engine;

/// <summary>
/// The Tx path (Linux's xfrm_lookup plus xfrm_output): takes every packet leaving through the stack, finds its
/// policy and bundle, and applies the bundle's SAs.
/// <code>
/// packet -> flow -> SPD lookup through the flow cache
///        -> no policy / bypass: pass unprotected        block: drop (XfrmOutPolBlock)
///        -> ipsec: bundle = one SA per template, innermost first
///             missing SA -> ACQUIRE (once); larval drop (XfrmOutNoStates) or hold queue
///        -> path MTU: too big with DF (IPv4) or IPv6 -> ICMP back to the sender
///        -> for each SA: mode.PrepareOutput -> sequence number, lifetime -> type.Output -> mode.FinishOutput
///             -> UDP header behind the outer IP header if the SA has a NAT-T encapsulation (RFC 3948)
///        -> too big without DF: fragment the outer packet -> sink.Transmit
/// </code>
/// Every drop increments exactly one <see cref="DropReason"/> counter and returns the packet to its pool.
/// </summary>
/// <remarks>Thread-safe: any number of threads may call <see cref="Output"/> at once.</remarks>
[SkipLocalsInit] // per packet, the frame of inlined struct locals is not cleared first: nothing here reads memory before writing it
public sealed class XfrmOutput
{
    private const int MaxFragments = 64; // 64 KiB over a 1280-byte link needs 52
    private const int MaxPaddingPerSa = 15;

    private readonly XfrmEngine _engine;
    private readonly IXfrmOutputSink _sink;
    private readonly XfrmOutputOptions _options;
    private readonly FlowCache _cache;
    private readonly HoldQueue _hold;
    private readonly IcmpRateLimiter _icmpLimiter;
    private long _icmpErrorsSuppressed;
    private long _heldAtSadGeneration = -1;
    private int _ipv6FragmentId = Random.Shared.Next();

    public XfrmOutput(XfrmEngine engine, IXfrmOutputSink sink, XfrmOutputOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(sink);
        _engine = engine;
        _sink = sink;
        _options = options ?? new XfrmOutputOptions();
        _cache = new FlowCache(new BundleResolver(engine.Policies, engine.States), _options.FlowCacheCapacity);
        _hold = new HoldQueue(engine.Time, _options.HoldTimeout);
        _icmpLimiter = new IcmpRateLimiter(engine.Time, _options.IcmpErrorsPerSecond, _options.IcmpErrorBurst);
    }

    /// <summary>Too-big packets whose ICMP error the rate limit held back (the packets were still dropped and counted).</summary>
    public long IcmpErrorsSuppressed => Interlocked.Read(ref _icmpErrorsSuppressed);

    /// <summary>Packets waiting in hold queues for their SAs.</summary>
    public int HeldPackets => _hold.Count;

    /// <summary>Processes one outgoing IP packet; ownership passes to the engine whatever the verdict.</summary>
    public XfrmVerdict Output(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        packet.Direction = PacketDirection.Out;
        ReleaseHeldIfStatesChanged();
        if (!FlowExtractor.TryExtract(packet.Data, packet.InterfaceIndex, out Flow flow, out _))
        {
            return Drop(packet, DropReason.FwdHdrError);
        }

        FlowCacheEntry entry = _cache.Lookup(PolicyDirection.Out, flow);
        SecurityPolicy? policy = entry.Policy;
        if (policy is null || policy.Action == PolicyAction.Bypass)
        {
            if (policy is not null)
            {
                _engine.Policies.Account(policy, packet.Length);
            }

            _sink.Transmit(packet);
            return XfrmVerdict.Bypassed;
        }

        if (policy.Action == PolicyAction.Block)
        {
            _engine.Policies.Account(policy, packet.Length);
            return Drop(packet, DropReason.OutPolBlock);
        }

        BundleResolution resolution = entry.Resolution;
        switch (resolution.Status)
        {
            case BundleStatus.Ok:
                return Transform(packet, resolution.Bundle!);
            case BundleStatus.Missing when _engine.Events.ListenerCount == 0:
                // No key manager took the ACQUIRE, so no SA will come: waiting is pointless.
                return Drop(packet, DropReason.AcquireError);
            case BundleStatus.Missing when !_options.LarvalDrop && _hold.TryHold(policy, packet):
                return XfrmVerdict.Held;
            case BundleStatus.Missing:
                return Drop(packet, DropReason.OutNoStates);
            default:
                return Drop(packet, resolution.DropReason);
        }
    }

    /// <summary>
    /// Retries held packets whose SAs may have arrived and drops those past the hold timeout; the host calls it
    /// periodically (and it runs by itself on the next <see cref="Output"/> after an SA change).
    /// </summary>
    public void RunTimers() => ProcessHeld();

    private void ReleaseHeldIfStatesChanged()
    {
        if (_hold.Count > 0 && Volatile.Read(ref _heldAtSadGeneration) != _engine.States.Generation)
        {
            ProcessHeld();
        }
    }

    private void ProcessHeld()
    {
        Volatile.Write(ref _heldAtSadGeneration, _engine.States.Generation);
        HoldQueueSweep sweep = _hold.Process(this, static (self, policy, packet) => self.RetryHeld(policy, packet));
        for (int i = 0; i < sweep.Expired; i++)
        {
            _engine.Statistics.Increment(DropReason.OutNoStates);
        }

        for (int i = 0; i < sweep.PolicyDead; i++)
        {
            _engine.Statistics.Increment(DropReason.OutPolDead);
        }
    }

    private HeldPacketVerdict RetryHeld(SecurityPolicy policy, Packet packet)
    {
        if (!FlowExtractor.TryExtract(packet.Data, packet.InterfaceIndex, out Flow flow, out _))
        {
            Drop(packet, DropReason.FwdHdrError);
            return HeldPacketVerdict.Taken;
        }

        FlowCacheEntry entry = _cache.Lookup(PolicyDirection.Out, flow);
        if (!ReferenceEquals(entry.Policy, policy))
        {
            // The policy was replaced while the packet waited: it starts over like a new packet would.
            Drop(packet, DropReason.OutPolDead);
            return HeldPacketVerdict.Taken;
        }

        if (entry.Resolution.Status == BundleStatus.Missing)
        {
            return HeldPacketVerdict.Keep;
        }

        if (entry.Resolution.Status == BundleStatus.Ok)
        {
            Transform(packet, entry.Resolution.Bundle!);
        }
        else
        {
            Drop(packet, entry.Resolution.DropReason);
        }

        return HeldPacketVerdict.Taken;
    }

    /// <summary>Applies a complete bundle, innermost SA first, and hands the result (or its fragments) to the sink.</summary>
    private XfrmVerdict Transform(Packet packet, Bundle bundle)
    {
        // Only near the MTU: bytes a link padded behind the IP length must not count (the first mode cuts them off
        // anyway); a packet that is not valid IP is left for that mode to drop.
        int mtu = _options.LinkMtu;
        if (packet.Length + MaxOverhead(bundle) > mtu
            && ModePacket.TryStartOutput(packet, out _, out _)
            && packet.Length + Overhead(bundle.States.AsSpan(), packet.Length) > mtu
            && !MayFragmentOuter(packet.Data))
        {
            return ReportTooBig(packet, bundle, mtu);
        }

        int innerLength = packet.Length;
        ReadOnlySpan<SecurityAssociation> states = bundle.States.AsSpan();
        if (states.Length == 1 && EspTunnelOutput.Handles(states[0]))
        {
            DropReason reason = EspTunnelOutput.Output(_engine, states[0], packet);
            if (reason != DropReason.None)
            {
                return Drop(packet, reason);
            }
        }
        else
        {
            for (int i = 0; i < states.Length; i++)
            {
                SecurityAssociation sa = states[i];
                packet.OutputPayloadLimit = sa.TfcPadding > 0 ? LargestFitting(states[i..], mtu) : 0;
                DropReason reason = OutputOne(_engine, sa, packet);
                if (reason != DropReason.None)
                {
                    return Drop(packet, reason);
                }
            }
        }

        _engine.Policies.Account(bundle.Policy, innerLength);
        if (packet.Length <= mtu)
        {
            _sink.Transmit(packet);
            return XfrmVerdict.Passed;
        }

        return TransmitFragments(packet, mtu);
    }

    /// <summary>One SA of the bundle (Linux's xfrm_output_one): mode, sequence number and lifetime, transform, mode again.</summary>
    internal static DropReason OutputOne(XfrmEngine engine, SecurityAssociation sa, Packet packet)
    {
        DropReason stateProblem = StateProblem(sa);
        if (stateProblem != DropReason.None)
        {
            return stateProblem;
        }

        IXfrmType? type = engine.Types.Get(sa.Protocol);
        if (type is null)
        {
            return DropReason.OutStateProtoError;
        }

        // Every mode starts this way; done first, the trailer is sized for the packet without any link padding behind
        // its IP length, which the mode cuts off (sized before, a packet near 64 KiB was refused as too long).
        if (!ModePacket.TryStartOutput(packet, out _, out _))
        {
            return DropReason.OutStateModeError;
        }

        int headerLength = type.HeaderLength(sa);
        if (XfrmModes.PrepareOutput(sa, packet, headerLength, type.TrailerLength(sa, packet.Length)) != ModeStatus.Ok)
        {
            return DropReason.OutStateModeError;
        }

        ulong sequence = 0;
        if (sa.SequenceCounter is not null && !engine.States.TryAssignSequence(sa, out sequence))
        {
            return DropReason.OutStateSeqError;
        }

        // The length Linux charges (after the mode, before the transform), but charged only once the transform is done:
        // reaching the hard limit deletes the SA and wipes its keys, and the packet that reached it must still go out.
        int accountedLength = packet.Length;
        TransformStatus status = type.Output(sa, packet, sequence);
        if (status != TransformStatus.Ok)
        {
            return ToDropReason(status);
        }

        engine.States.Account(sa, accountedLength);
        if (XfrmModes.FinishOutput(sa, packet) != ModeStatus.Ok)
        {
            return DropReason.OutStateModeError;
        }

        // Linux puts the UDP header in as part of ESP's output; an SA with it is ESP (the SAD refuses it on anything else).
        return sa.NatTraversal is not { } encapsulation || UdpEncapsulation.TryEncapsulate(packet, encapsulation)
            ? DropReason.None
            : DropReason.OutStateModeError;
    }

    /// <summary>What a transform's status on output means for the packet.</summary>
    internal static DropReason ToDropReason(TransformStatus status) => status switch
    {
        TransformStatus.Ok => DropReason.None,
        TransformStatus.IvExhausted => DropReason.OutStateSeqError,
        TransformStatus.Unsupported => DropReason.OutStateExpired, // destroyed while the packet was in crypto
        TransformStatus.NoRoom => DropReason.OutError,
        _ => DropReason.OutStateProtoError,
    };

    /// <summary>Linux's state checks on output: a larval SA is not ready yet, an expired or dead one is gone.</summary>
    internal static DropReason StateProblem(SecurityAssociation sa) => sa.State switch
    {
        SaState.Mature or SaState.Dying => DropReason.None,
        SaState.Larval => DropReason.OutStateInvalid,
        _ => DropReason.OutStateExpired,
    };

    /// <summary>
    /// The bytes <paramref name="states"/> add to a packet of <paramref name="length"/> bytes: every SA's header, trailer,
    /// outer header and NAT-T UDP header.
    /// </summary>
    private int Overhead(ReadOnlySpan<SecurityAssociation> states, int length)
    {
        int total = length;
        foreach (SecurityAssociation sa in states)
        {
            IXfrmType? type = _engine.Types.Get(sa.Protocol);
            if (type is null)
            {
                continue;
            }

            total += type.HeaderLength(sa) + type.TrailerLength(sa, total);
            if (sa.Mode == XfrmMode.Tunnel)
            {
                total += TunnelMode.OuterLength(sa.Destination.Version);
            }

            if (sa.NatTraversal is not null)
            {
                total += UdpEncapsulation.UdpHeaderLength;
            }
        }

        return total - length;
    }

    /// <summary>
    /// A bound on <see cref="Overhead"/> for every packet length, computed once per bundle: the overhead depends on the
    /// length only through padding to a cipher's block (at most 15 bytes per SA, blocks being powers of two up to 16).
    /// </summary>
    private int MaxOverhead(Bundle bundle)
    {
        int known = bundle.MaxOverhead;
        if (known < 0)
        {
            known = Overhead(bundle.States.AsSpan(), 0) + (MaxPaddingPerSa * bundle.States.Length);
            bundle.MaxOverhead = known;
        }

        return known;
    }

    /// <summary>The longest packet that <paramref name="states"/> turn into at most <paramref name="mtu"/> bytes (0 if none).</summary>
    private int LargestFitting(ReadOnlySpan<SecurityAssociation> states, int mtu)
    {
        // Padding makes the overhead depend on the length, so the estimate from the MTU's own overhead may be a few
        // bytes off either way; the encapsulated length never shrinks as the packet grows, so walk to the largest fit.
        int fitting = mtu - Overhead(states, mtu);
        while (fitting + 1 + Overhead(states, fitting + 1) <= mtu)
        {
            fitting++;
        }

        while (fitting > 0 && fitting + Overhead(states, fitting) > mtu)
        {
            fitting--;
        }

        return Math.Max(fitting, 0);
    }

    /// <summary>True when a too-big result may be sent as outer fragments: an IPv4 packet without DF (RFC 4301 §8.1).</summary>
    private static bool MayFragmentOuter(ReadOnlySpan<byte> packet) =>
        packet.Length >= Ipv4Header.MinLength && packet[0] >> 4 == 4 && (packet[6] & 0x40) == 0;

    /// <summary>
    /// Sends the sender an ICMP "fragmentation needed" / "Packet Too Big" carrying the largest packet that still fits
    /// once the bundle's overhead is added, so its path-MTU discovery works through the tunnel.
    /// </summary>
    private XfrmVerdict ReportTooBig(Packet packet, Bundle bundle, int mtu)
    {
        int fitting = LargestFitting(bundle.States.AsSpan(), mtu);
        bool ipv4 = packet.Data[0] >> 4 == 4;
        int minimum = ipv4 ? IcmpErrorBuilder.Ipv4MinimumMtu : IcmpErrorBuilder.Ipv6MinimumMtu;
        IpAddress source = IcmpSource(ipv4 ? IpVersion.V4 : IpVersion.V6, bundle);
        if (source.Version == IpVersion.None)
        {
            return Drop(packet, DropReason.OutError);
        }

        if (!_icmpLimiter.TryTake())
        {
            Interlocked.Increment(ref _icmpErrorsSuppressed);
        }
        else if (new IcmpErrorBuilder(packet.Pool).TryBuildPacketTooBig(packet.Data, source, Math.Max(fitting, minimum), out Packet? error) == IcmpErrorStatus.Built)
        {
            _sink.ReturnToSender(error!);
        }

        return Drop(packet, DropReason.OutError, XfrmVerdict.TooBig);
    }

    private IpAddress IcmpSource(IpVersion version, Bundle bundle)
    {
        IpAddress configured = version == IpVersion.V4 ? _options.IcmpSourceV4 : _options.IcmpSourceV6;
        if (configured.Version == version)
        {
            return configured;
        }

        for (int i = bundle.States.Length - 1; i >= 0; i--)
        {
            if (bundle.States[i].Source.Version == version)
            {
                return bundle.States[i].Source;
            }
        }

        return default;
    }

    private XfrmVerdict TransmitFragments(Packet packet, int mtu)
    {
        Packet[] fragments = ArrayPool<Packet>.Shared.Rent(MaxFragments);
        try
        {
            Span<Packet> slots = fragments.AsSpan(0, MaxFragments);
            FragmentationStatus status = packet.Data[0] >> 4 == 4
                ? Ipv4Fragmenter.Fragment(packet, mtu, slots, out int count)
                : Ipv6Fragmenter.Fragment(packet, mtu, (uint)Interlocked.Increment(ref _ipv6FragmentId), slots, out count);
            if (status != FragmentationStatus.Done)
            {
                return Drop(packet, DropReason.OutError);
            }

            packet.Pool.Return(packet);
            for (int i = 0; i < count; i++)
            {
                _sink.Transmit(slots[i]);
            }

            return XfrmVerdict.Passed;
        }
        finally
        {
            Array.Clear(fragments, 0, MaxFragments);
            ArrayPool<Packet>.Shared.Return(fragments);
        }
    }

    private XfrmVerdict Drop(Packet packet, DropReason reason, XfrmVerdict verdict = XfrmVerdict.Dropped)
    {
        _engine.Statistics.Increment(reason);
        packet.Pool.Return(packet);
        return verdict;
    }
}

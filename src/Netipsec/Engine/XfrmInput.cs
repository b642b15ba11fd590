using System.Runtime.CompilerServices;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Transforms.Esp;
using Netipsec.Transforms.IpComp;
using Netipsec.Transforms.Modes;
using Netipsec.Transforms;

namespace Netipsec.Engine;

/// <summary>
/// The Rx path (Linux's xfrm_input plus __xfrm_policy_check): takes every packet that arrives from the wire,
/// removes its IPsec layers and checks the result against the inbound policy.
/// <code>
/// wire -> UDP to a local NAT-T port: keepalive (dropped, counted), IKE (to the IKE handler) or ESP (UDP header removed)
///      -> parse outer header, find AH/ESP/IPComp      (plain packet: straight to the policy check)
///      -> IP-in-IP from an IPComp tunnel peer: its uncompressed packet, decapsulated under the companion state
///      -> outer fragment: reassemble first (kept until whole, then processed by the call that completed it)
///      -> SAD lookup (dst, spi, proto) -> state checks, encapsulation match -> replay check
///      -> type.Input (verify, decrypt) -> replay advance, lifetime accounting -> NAT mapping check -> mode.Input
///      -> transport mode after NAT-T: TCP/UDP checksum fix (RFC 3948 §3.1.2)
///      -> again while the result is IPsec (nested SAs, at most 6), recording the secpath
///      -> inbound policy check (in for local destinations, fwd otherwise) -> sink.Deliver
/// </code>
/// Every drop increments exactly one <see cref="DropReason"/> counter and returns the packet to its pool; nothing
/// here throws for anything a packet contains.
/// </summary>
/// <remarks>Thread-safe: any number of threads may call <see cref="Input"/> at once (each SA's replay window serialises its own advances).</remarks>
[SkipLocalsInit] // per packet, the frame of inlined struct locals is not cleared first: nothing here reads memory before writing it
public sealed class XfrmInput
{
    private readonly XfrmEngine _engine;
    private readonly IXfrmInputSink _sink;
    private readonly Func<IpAddress, bool> _isLocal;
    private readonly IpReassembler _reassembler;
    private readonly FlowCache _policyCache;
    private readonly bool _checkPolicy;
    private long _dummyPackets;

    /// <param name="engine">The SAD, SPD, transforms and counters to use.</param>
    /// <param name="sink">Where accepted packets go.</param>
    /// <param name="isLocalAddress">
    /// True for this host's own addresses: decapsulated traffic to them is checked against "in" policies, all other
    /// traffic against "fwd" policies (it is forwarded). Null treats every destination as local.
    /// </param>
    /// <param name="reassembly">Limits and timeouts of the reassembly of outer fragments; null takes the defaults.</param>
    /// <param name="checkPolicy">
    /// False for an observer that only removes IPsec, such as a capture decryptor: what the SAs recovered goes to the
    /// sink without the inbound policy check (a host keeps the default, true).
    /// </param>
    public XfrmInput(XfrmEngine engine, IXfrmInputSink sink, Func<IpAddress, bool>? isLocalAddress = null, ReassemblyOptions? reassembly = null, bool checkPolicy = true)
    {
        _checkPolicy = checkPolicy;
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(sink);
        _engine = engine;
        _sink = sink;
        _isLocal = isLocalAddress ?? (static _ => true);
        _reassembler = new IpReassembler(engine.Time, reassembly);
        // The in and fwd policies by flow, as Linux's flow cache kept them: an SPD lookup per packet costs more than
        // the rest of the inbound policy check together.
        _policyCache = new FlowCache(new BundleResolver(engine.Policies, engine.States));
    }

    /// <summary>TFC dummy packets (next header 59) dropped by design; they are not errors, so no MIB counter holds them.</summary>
    public long DummyPackets => Interlocked.Read(ref _dummyPackets);

    /// <summary>
    /// Outer fragments the reassembler refused (overlap, bad length, too large, inconsistent end, limits); each one is
    /// also counted in <see cref="DropReason.InHdrError"/>.
    /// </summary>
    public long ReassemblyFailures => _reassembler.Failures;

    /// <summary>
    /// Datagrams whose fragments did not all arrive in time and were purged. Their fragments had been answered with
    /// <see cref="XfrmVerdict.Reassembling"/>, and Linux counts this in its IP statistics (ReasmTimeout), not in the
    /// XFRM MIB, so this is the only counter that holds them.
    /// </summary>
    public long ReassemblyTimeouts => _reassembler.Timeouts;

    /// <summary>Datagrams being reassembled.</summary>
    public int ReassemblingDatagrams => _reassembler.InProgress;

    /// <summary>Purges reassemblies that timed out; the host calls it periodically (about once a second).</summary>
    public void RunTimers() => _reassembler.Purge();

    /// <summary>Processes one received packet; ownership passes to the engine whatever the verdict.</summary>
    public XfrmVerdict Input(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        packet.Direction = PacketDirection.In;
        UdpEndpoint? encapsulatedFrom = null; // the UDP sender of the outermost ESP, while that layer is processed
        var innerFlow = default(KnownFlow); // the flow of what the last layer decapsulated, when its selector check read it
        while (true)
        {
            switch (InboundHeader.TryParse(packet, out InboundHeader header))
            {
                case InboundHeader.Status.NotIpsec when packet.SecPath.Count == 0 && encapsulatedFrom is null:
                    switch (ReceiveOnNatTraversalPort(packet, out EncapsulatedDatagram datagram, out XfrmVerdict verdict))
                    {
                        case EncapsulationKind.NotEncapsulated:
                            return CheckPolicyAndDeliver(packet, default);
                        case EncapsulationKind.Esp:
                            encapsulatedFrom = datagram.Source;
                            continue;
                        default:
                            return verdict;
                    }

                case InboundHeader.Status.NotIpsec:
                    return CheckPolicyAndDeliver(packet, in innerFlow);
                case InboundHeader.Status.IpInIp:
                    DropReason companionReason = DecapsulateCompanion(packet, header, out bool decapsulated, ref innerFlow);
                    if (companionReason != DropReason.None)
                    {
                        return Drop(packet, companionReason);
                    }

                    if (!decapsulated)
                    {
                        return CheckPolicyAndDeliver(packet, default);
                    }

                    continue;
                case InboundHeader.Status.Malformed:
                    return Drop(packet, DropReason.InHdrError);
                case InboundHeader.Status.Fragment:
                    if (!TryReassemble(ref packet, out XfrmVerdict pending))
                    {
                        return pending;
                    }

                    innerFlow.IsKnown = false;
                    continue;
            }

            DropReason reason = ProcessOneLayer(packet, header, encapsulatedFrom, out bool dummy, ref innerFlow);
            encapsulatedFrom = null; // only the outermost ESP travels in UDP
            if (reason != DropReason.None)
            {
                return Drop(packet, reason);
            }

            if (dummy)
            {
                Interlocked.Increment(ref _dummyPackets);
                packet.Pool.Return(packet);
                return XfrmVerdict.Dummy;
            }

            if (innerFlow.IsKnown && CannotBeIpsec(innerFlow.Flow))
            {
                // The selector check already read and validated the inner header: parsing it again would only find NotIpsec.
                return CheckPolicyAndDeliver(packet, in innerFlow);
            }
        }
    }

    /// <summary>
    /// Gives a fragment of an IPsec packet to the reassembler, as Linux's IP layer does before xfrm_input: true with
    /// <paramref name="packet"/> replaced by the whole datagram, or false with the verdict for the fragment.
    /// </summary>
    /// <remarks>
    /// Only outer fragments are reassembled. Fragments that come out of a tunnel each carry the secpath of the SAs that
    /// brought them; a reassembled datagram would keep none of them for the policy check, so those are dropped as before.
    /// Reassembly failures count as InHdrError: Linux counts them in its IP statistics (ReasmFails) and the XFRM MIB
    /// has no closer counter; <see cref="ReassemblyFailures"/> tells them apart.
    /// </remarks>
    private bool TryReassemble(ref Packet packet, out XfrmVerdict verdict)
    {
        if (packet.SecPath.Count > 0)
        {
            verdict = Drop(packet, DropReason.InHdrError);
            return false;
        }

        switch (_reassembler.Add(packet, out Packet? datagram))
        {
            case ReassemblyStatus.Complete:
                packet = datagram!;
                packet.Direction = PacketDirection.In;
                verdict = default;
                return true;
            case ReassemblyStatus.Incomplete or ReassemblyStatus.Duplicate:
                verdict = XfrmVerdict.Reassembling;
                return false;
            default:
                _engine.Statistics.Increment(DropReason.InHdrError); // the reassembler returned the fragment
                verdict = XfrmVerdict.Dropped;
                return false;
        }
    }

    /// <summary>
    /// The NAT-T demultiplexer (Linux's udp_esp_encap): a keepalive is counted and dropped, an IKE packet goes to the
    /// IKE handler (or is dropped and counted), ESP in UDP loses its UDP header and goes on as ESP; anything else
    /// (<see cref="EncapsulationKind.NotEncapsulated"/>) is left to the caller.
    /// </summary>
    private EncapsulationKind ReceiveOnNatTraversalPort(Packet packet, out EncapsulatedDatagram datagram, out XfrmVerdict verdict)
    {
        NatTraversalEngine natTraversal = _engine.NatTraversal;
        EncapsulationKind kind = UdpEncapsulation.Classify(packet.Data, _isLocal, natTraversal, out datagram);
        verdict = XfrmVerdict.Dropped;
        switch (kind)
        {
            case EncapsulationKind.Keepalive:
                natTraversal.Statistics.Increment(NatTraversalCounter.KeepalivesReceived);
                packet.Pool.Return(packet);
                verdict = XfrmVerdict.Keepalive;
                break;
            case EncapsulationKind.Ike when natTraversal.TryHandOffIke(packet, datagram):
                verdict = XfrmVerdict.HandedToIke;
                break;
            case EncapsulationKind.Ike:
                packet.Pool.Return(packet); // counted as unhandled by the NAT-T statistics
                break;
            case EncapsulationKind.Esp when !UdpEncapsulation.TryDecapsulate(packet, datagram):
            case EncapsulationKind.Malformed:
                verdict = Drop(packet, DropReason.InHdrError);
                kind = EncapsulationKind.Malformed;
                break;
        }

        return kind;
    }

    /// <summary>One turn of xfrm_input's loop: the SA of the outermost IPsec header, then its transform and mode.</summary>
    /// <param name="packet">The packet, parsed by <see cref="InboundHeader.TryParse"/>.</param>
    /// <param name="header">What the parse found.</param>
    /// <param name="encapsulatedFrom">The UDP sender when this IPsec header arrived in UDP (RFC 3948), else null.</param>
    /// <param name="dummy">Set for a TFC dummy packet.</param>
    /// <param name="innerFlow">The flow of the decapsulated packet when the tunnel SA's selector check read it.</param>
    private DropReason ProcessOneLayer(Packet packet, in InboundHeader header, UdpEndpoint? encapsulatedFrom, out bool dummy, ref KnownFlow innerFlow)
    {
        dummy = false;
        innerFlow.IsKnown = false;
        if (packet.SecPath.IsFull)
        {
            return DropReason.InBufferError; // deeper than XFRM_MAX_DEPTH
        }

        if (!_engine.States.TryLookupBySpi(header.Destination, header.Spi, header.Protocol, out SecurityAssociation? sa))
        {
            IpCompCounters(header.Protocol)?.Increment(IpCompCounter.NoState);
            return DropReason.InNoStates;
        }

        DropReason stateProblem = CheckState(sa);
        if (stateProblem != DropReason.None)
        {
            IpCompCounters(header.Protocol)?.Increment(IpCompCounter.Invalid);
            return stateProblem;
        }

        // Linux compares the SA's encap type with how the packet came (XfrmInStateMismatch): ESP in UDP only for an SA
        // with an encapsulation, plain ESP only for one without.
        if ((sa.NatTraversal is not null) != encapsulatedFrom.HasValue)
        {
            sa.Statistics.Increment(SaCounter.EncapsulationMismatches);
            return DropReason.InStateMismatch;
        }

        IXfrmType? type = _engine.Types.Get(sa.Protocol);
        if (type is null)
        {
            return DropReason.InStateProtoError;
        }

        // The check takes no lock (ReplayWindow.Check may race an advance); only the advance below is serialised.
        uint sequenceHigh = 0;
        if (sa.ReplayWindow is { } window
            && window.Check(header.SequenceLow, out sequenceHigh) is not ReplayVerdict.Accepted and var refused)
        {
            return CountReplay(sa, refused);
        }

        // The common case opens in place and removes both headers in one step (no header is moved twice); it has a
        // method of its own so its frame stays small.
        // encapsulatedFrom, not a second read of sa.NatTraversal, which an update may have set since the check above.
        return encapsulatedFrom is null && EspTunnelInput.Handles(sa)
            ? InputEspTunnel(sa, packet, header, sequenceHigh, out dummy, ref innerFlow)
            : InputTransformAndMode(type, sa, packet, header, encapsulatedFrom, sequenceHigh, out dummy, ref innerFlow);
    }

    /// <summary>The rest of a layer for an ESP tunnel SA without NAT-T (<see cref="EspTunnelInput"/>).</summary>
    private DropReason InputEspTunnel(SecurityAssociation sa, Packet packet, in InboundHeader header, uint sequenceHigh, out bool dummy, ref KnownFlow innerFlow)
    {
        TransformStatus status = EspTransform.Open(sa, packet, sequenceHigh, out EspPlaintext plaintext);
        DropReason reason = AdvanceAndAccount(sa, status, header.SequenceLow, sequenceHigh, plaintext.LengthWithoutEsp, out dummy);
        if (reason != DropReason.None || dummy)
        {
            return reason;
        }

        packet.SecPath.TryAdd(sa);
        return EspTunnelInput.Decapsulate(packet, plaintext) == ModeStatus.Ok
            ? CheckInnerSelector(sa, packet, ref innerFlow)
            : DropReason.InStateModeError;
    }

    /// <summary>The rest of a layer for any other SA: the transform, then the mode.</summary>
    private DropReason InputTransformAndMode(
        IXfrmType type, SecurityAssociation sa, Packet packet, in InboundHeader header, UdpEndpoint? encapsulatedFrom, uint sequenceHigh, out bool dummy, ref KnownFlow innerFlow)
    {
        TransformStatus status = type.Input(sa, packet, sequenceHigh);
        DropReason reason = AdvanceAndAccount(sa, status, header.SequenceLow, sequenceHigh, packet.Length, out dummy);
        if (reason != DropReason.None || dummy)
        {
            return reason;
        }

        packet.SecPath.TryAdd(sa);
        if (encapsulatedFrom is { } sender)
        {
            // Only now: an unauthenticated packet must not move anybody's idea of where the peer is.
            _engine.NatTraversal.CheckMapping(sa, sender);
        }

        if (XfrmModes.Input(sa, packet) != ModeStatus.Ok)
        {
            return DropReason.InStateModeError;
        }

        if (encapsulatedFrom.HasValue && sa.Mode == XfrmMode.Transport && sa.NatTraversal is { } encapsulation)
        {
            TransportChecksumFixup.Apply(encapsulation, packet.Data);
        }

        return sa.Mode != XfrmMode.Transport ? CheckInnerSelector(sa, packet, ref innerFlow) : DropReason.None;
    }

    /// <summary>
    /// What follows the transform whatever the path: its status as a drop reason (or <paramref name="dummy"/> for an
    /// authentic TFC dummy), then the replay window's advance and the lifetime's accounting of <paramref name="accountedLength"/>.
    /// </summary>
    private DropReason AdvanceAndAccount(SecurityAssociation sa, TransformStatus status, uint sequenceLow, uint sequenceHigh, int accountedLength, out bool dummy)
    {
        dummy = false;
        switch (status)
        {
            case TransformStatus.Ok:
                break;
            case TransformStatus.Dummy:
                // Authentic, so it moves the replay window and counts against the lifetime like any packet (RFC
                // 4303 §3.4.3 updates the window once the ICV verified); only then is it dropped.
                dummy = true;
                break;
            case TransformStatus.IntegrityFailed:
                sa.Statistics.Increment(SaCounter.IntegrityFailures);
                return DropReason.InStateProtoError;
            case TransformStatus.Unsupported:
                return DropReason.InStateExpired; // the SA was destroyed while the packet was in crypto
            default:
                return DropReason.InStateProtoError;
        }

        // A duplicate may have raced this packet between the check and here: only one of them passes.
        if (sa.ReplayWindow is { } advancing
            && advancing.AdvanceExclusively(sequenceLow, sequenceHigh) is not ReplayVerdict.Accepted and var verdict)
        {
            dummy = false;
            return CountReplay(sa, verdict);
        }

        _engine.States.Account(sa, accountedLength);
        return DropReason.None;
    }

    /// <summary>
    /// Linux's xfrm4_tunnel / xfrm6_tunnel input: an IP-in-IP packet from the peer of an IPComp tunnel SA is a packet
    /// that SA sent uncompressed (RFC 3173 §2.2), so it is decapsulated as that SA's tunnel would and its companion
    /// state goes on the secpath (<see cref="SecurityAssociation.TunnelCompanion"/>). Any other IP-in-IP packet is
    /// left alone (<paramref name="decapsulated"/> false) and is checked and delivered as it is.
    /// </summary>
    private DropReason DecapsulateCompanion(Packet packet, in InboundHeader header, out bool decapsulated, ref KnownFlow innerFlow)
    {
        decapsulated = false;
        innerFlow.IsKnown = false;
        SecurityAssociation? sa = _engine.States.FindOutbound(header.Destination, header.Source, IpsecProtocol.IpComp, XfrmMode.Tunnel, 0);
        if (sa?.TunnelCompanion is not { } companion)
        {
            return DropReason.None;
        }

        decapsulated = true;
        if (!packet.SecPath.TryAdd(companion))
        {
            return DropReason.InBufferError; // deeper than XFRM_MAX_DEPTH
        }

        return XfrmModes.Input(sa, packet) == ModeStatus.Ok ? CheckInnerSelector(sa, packet, ref innerFlow) : DropReason.InStateModeError;
    }

    /// <summary>
    /// Linux checks a tunnel SA's selector against the packet it carried (XfrmInStateMismatch), layer by layer. The flow
    /// read for it comes back in <paramref name="innerFlow"/>, so the policy check of an innermost layer need not read it again.
    /// </summary>
    private static DropReason CheckInnerSelector(SecurityAssociation sa, Packet packet, ref KnownFlow innerFlow)
    {
        innerFlow.IsKnown = false;
        if (sa.InnerSelector is null)
        {
            return DropReason.None;
        }

        if (!FlowExtractor.TryExtract(packet.Data, packet.InterfaceIndex, out innerFlow.Flow, out _) || !InboundPolicyCheck.InnerSelectorAllows(sa, innerFlow.Flow))
        {
            return DropReason.InStateMismatch;
        }

        innerFlow.IsKnown = true;
        return DropReason.None;
    }

    /// <summary>
    /// True for a valid IPv4 flow whose protocol is none of those another turn of the loop would act on (an IPsec header,
    /// or IP-in-IP from an IPComp tunnel); IPv6 is left to the full parse, which also looks for AH among the extension headers.
    /// </summary>
    private static bool CannotBeIpsec(in Flow flow) =>
        flow.Version == IpVersion.V4
        && flow.Protocol is not (IpProtocol.Esp or IpProtocol.Ah or IpProtocol.IpComp or IpProtocol.IpInIp or IpProtocol.Ipv6);

    /// <summary>Linux's state checks: usable, not expired.</summary>
    private static DropReason CheckState(SecurityAssociation sa) => sa.State switch
    {
        SaState.Mature or SaState.Dying => DropReason.None,
        SaState.Larval => DropReason.InStateInvalid,
        _ => DropReason.InStateExpired,
    };

    private static DropReason CountReplay(SecurityAssociation sa, ReplayVerdict verdict)
    {
        if (verdict == ReplayVerdict.TooOld)
        {
            sa.Statistics.Increment(SaCounter.ReplayWindow);
        }
        else
        {
            sa.Statistics.Increment(SaCounter.Replay);
        }

        return DropReason.InStateSeqError;
    }

    /// <param name="packet">The packet to deliver.</param>
    /// <param name="knownFlow">Its flow when the last layer's selector check already read it (the data has not changed since).</param>
    private XfrmVerdict CheckPolicyAndDeliver(Packet packet, in KnownFlow knownFlow)
    {
        if (!_checkPolicy)
        {
            _sink.Deliver(packet);
            return XfrmVerdict.Passed;
        }

        Flow extracted = default;
        if (!knownFlow.IsKnown && !FlowExtractor.TryExtract(packet.Data, packet.InterfaceIndex, out extracted, out _))
        {
            return Drop(packet, packet.SecPath.Count == 0 ? DropReason.InHdrError : DropReason.InStateModeError);
        }

        ref readonly Flow flow = ref knownFlow.IsKnown ? ref knownFlow.Flow : ref extracted;
        PolicyDirection direction = _isLocal(flow.Destination) ? PolicyDirection.In : PolicyDirection.Fwd;
        FlowCacheEntry entry = _policyCache.Lookup(direction, flow);
        DropReason reason;
        if (entry.WasAccepted(packet.SecPath))
        {
            reason = InboundPolicyCheck.AcceptAgain(_engine.Policies, entry.Policy!, packet.Length);
        }
        else if ((reason = InboundPolicyCheck.Check(_engine.Policies, entry.Policy, packet.SecPath, packet.Length)) == DropReason.None)
        {
            entry.RememberAccepted(packet.SecPath);
        }

        if (reason != DropReason.None)
        {
            if (HasIpComp(packet.SecPath))
            {
                IpCompCounters(IpsecProtocol.IpComp)?.Increment(IpCompCounter.PolicyDrops);
            }

            return Drop(packet, reason);
        }

        _sink.Deliver(packet);
        return XfrmVerdict.Passed;
    }

    /// <summary>The IPComp transform's counters when <paramref name="protocol"/> is IPComp: FreeBSD counts these drops in ipcompstat too.</summary>
    private IpCompStatistics? IpCompCounters(IpsecProtocol protocol) =>
        protocol == IpsecProtocol.IpComp ? (_engine.Types.Get(protocol) as IpCompTransform)?.Statistics : null;

    private static bool HasIpComp(in SecPath secPath)
    {
        for (int i = 0; i < secPath.Count; i++)
        {
            if (secPath[i].Protocol == IpsecProtocol.IpComp)
            {
                return true;
            }
        }

        return false;
    }

    private XfrmVerdict Drop(Packet packet, DropReason reason)
    {
        _engine.Statistics.Increment(reason);
        packet.Pool.Return(packet);
        return XfrmVerdict.Dropped;
    }

    /// <summary>The flow of what the last layer decapsulated, when its selector check read it (passed by reference: a flow is 64 bytes).</summary>
    private struct KnownFlow
    {
        public Flow Flow;
        public bool IsKnown;
    }
}

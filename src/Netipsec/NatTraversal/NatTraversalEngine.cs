using Netipsec.Common;
using System.Collections.Frozen;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.NatTraversal;

/// <summary>
/// The NAT-traversal part of an <see cref="XfrmEngine"/> (RFC 3948): which UDP ports take ESP in UDP, where IKE
/// packets arriving on them go, the NAT keepalives that are due, mapping-change reports and the counters.
/// The packet work itself happens in <see cref="XfrmOutput"/> (UDP header after the SA's ESP) and
/// <see cref="XfrmInput"/> (keepalive, IKE or ESP decision; decapsulation; transport-mode checksum fix).
/// </summary>
/// <remarks>
/// A host that owns the UDP sockets (the daemon) listens on <see cref="ListeningPorts"/>, rebuilds each received
/// datagram into an IP packet for <see cref="XfrmInput.Input"/>, sends what the output sinks get, registers an
/// <see cref="IkeHandler"/> and calls <see cref="SendDueKeepalives"/> about once a second. Thread-safe.
/// </remarks>
public sealed class NatTraversalEngine
{
    private const byte KeepaliveTimeToLive = 64;

    private readonly TimeProvider _time;
    private readonly SecurityAssociationDatabase _states;
    private readonly EncapsulatedStateIndex _encapsulated;
    private readonly KeyManagerEvents _events;
    private readonly FrozenSet<ushort> _ports;
    private readonly long _keepaliveTicks;
    private readonly Lock _keepaliveLock = new();
    private readonly HashSet<(UdpEndpoint Local, UdpEndpoint Remote)> _keptAlive = [];
    private IIkePacketHandler? _ikeHandler;

    internal NatTraversalEngine(TimeProvider time, SecurityAssociationDatabase states, KeyManagerEvents events, NatTraversalOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.KeepaliveInterval, TimeSpan.Zero, nameof(options));
        _time = time;
        _states = states;
        _encapsulated = states.Encapsulated;
        _events = events;
        _ports = options.Ports.ToFrozenSet();
        _keepaliveTicks = options.KeepaliveInterval.Ticks;
        Options = options;
    }

    /// <summary>The ports and keepalive interval this engine was made with.</summary>
    public NatTraversalOptions Options { get; }

    /// <summary>Keepalives, IKE hand-offs and mapping changes, beside the MIB.</summary>
    public EnumCounters<NatTraversalCounter> Statistics { get; } = new();

    /// <summary>Where IKE packets that arrive on a NAT-T port go; null drops them (counted as <see cref="NatTraversalCounter.IkePacketsUnhandled"/>).</summary>
    public IIkePacketHandler? IkeHandler
    {
        get => Volatile.Read(ref _ikeHandler);
        set => Volatile.Write(ref _ikeHandler, value);
    }

    /// <summary>
    /// The UDP ports the host should receive on: the configured <see cref="NatTraversalOptions.Ports"/> and the local
    /// ports of the installed UDP-encapsulated SAs, sorted, each once.
    /// </summary>
    public IReadOnlyList<ushort> ListeningPorts() => [.. _ports.Concat(_encapsulated.Ports).Distinct().Order()];

    /// <summary>True when UDP to <paramref name="local"/> (a local address and port) may carry ESP, IKE and keepalives.</summary>
    public bool AcceptsEncapsulation(UdpEndpoint local) => _ports.Contains(local.Port) || _encapsulated.Contains(local);

    /// <summary>
    /// Produces the NAT keepalives that are due (RFC 3948 §2.3, §4) and hands each to <paramref name="sink"/>'s
    /// Transmit: one IPv4/IPv6 + UDP packet with the single byte 0xFF, from the SA's source address and port to its
    /// destination and port, for every mature or dying UDP-encapsulated SA that is outbound, every
    /// <see cref="NatTraversalOptions.KeepaliveInterval"/>, the first one interval after the SA was installed.
    /// SAs that share both endpoints (a rekeyed pair) share one keepalive. The keepalives bypass the SPD, as the IKE
    /// socket does in Linux.
    /// </summary>
    /// <param name="pool">Where the packets are rented; when it runs dry the rest wait for the next call.</param>
    /// <param name="isLocalAddress">
    /// True for this host's addresses: an SA whose source is local is outbound (unless flagged inbound; an SA flagged
    /// outbound is outbound whatever its address).
    /// </param>
    /// <param name="sink">Receives the packets; ownership passes with each.</param>
    /// <returns>How many keepalives were handed over.</returns>
    public int SendDueKeepalives(PacketPool pool, Func<IpAddress, bool> isLocalAddress, IXfrmOutputSink sink)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(isLocalAddress);
        ArgumentNullException.ThrowIfNull(sink);
        long now = _time.GetUtcNow().UtcTicks;
        int sent = 0;
        lock (_keepaliveLock)
        {
            _keptAlive.Clear();
            foreach (SecurityAssociation sa in _encapsulated.States)
            {
                if (sa.NatTraversal is not { } encapsulation || sa.State is not (SaState.Mature or SaState.Dying) || !IsOutbound(sa, isLocalAddress))
                {
                    continue;
                }

                if (sa.NextKeepaliveTicks == 0)
                {
                    sa.NextKeepaliveTicks = sa.Current.AddTime.UtcTicks + _keepaliveTicks;
                }

                if (now < sa.NextKeepaliveTicks)
                {
                    continue;
                }

                var local = new UdpEndpoint(sa.Source, encapsulation.SourcePort);
                var remote = new UdpEndpoint(sa.Destination, encapsulation.DestinationPort);
                if (_keptAlive.Add((local, remote)))
                {
                    if (!pool.TryRent(out Packet? keepalive))
                    {
                        break;
                    }

                    WriteKeepalive(keepalive, local, remote);
                    Statistics.Increment(NatTraversalCounter.KeepalivesSent);
                    sink.Transmit(keepalive);
                    sent++;
                }

                sa.NextKeepaliveTicks = now + _keepaliveTicks;
            }
        }

        return sent;
    }

    /// <summary>
    /// Reports a NAT mapping change once (Linux's km_new_mapping, minus its repetition for every packet): called for an
    /// authenticated packet of <paramref name="sa"/> that arrived in UDP from <paramref name="observed"/>. With
    /// <see cref="NatTraversalOptions.FollowPortChanges"/>, a new port of the same peer address is then followed.
    /// </summary>
    internal void CheckMapping(SecurityAssociation sa, UdpEndpoint observed)
    {
        if (sa.NatTraversal is not { } encapsulation)
        {
            return;
        }

        var recorded = new UdpEndpoint(sa.Source, encapsulation.SourcePort);
        if (observed == recorded)
        {
            sa.ForgetMappingReport();
            return;
        }

        if (sa.TryClaimMappingReport(observed))
        {
            Statistics.Increment(NatTraversalCounter.MappingChanges);
            _events.OnNatMappingChanged(new NatMappingChange(sa, recorded, observed));
            if (Options.FollowPortChanges && observed.Address == recorded.Address)
            {
                _states.FollowPeerPort(sa, recorded.Port, observed.Port);
            }
        }
    }

    /// <summary>Hands an IKE packet to the handler; false (the caller drops it) when none is registered.</summary>
    internal bool TryHandOffIke(Packet packet, in EncapsulatedDatagram datagram)
    {
        if (IkeHandler is not { } handler)
        {
            Statistics.Increment(NatTraversalCounter.IkePacketsUnhandled);
            return false;
        }

        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(datagram.UdpOffset);
        Statistics.Increment(NatTraversalCounter.IkePacketsHandedOff);
        handler.HandleIkePacket(packet, datagram.Source, datagram.Destination);
        return true;
    }

    private static bool IsOutbound(SecurityAssociation sa, Func<IpAddress, bool> isLocalAddress) =>
        (sa.Flags & SaFlags.Outbound) != 0 || ((sa.Flags & SaFlags.Inbound) == 0 && isLocalAddress(sa.Source));

    /// <summary>Builds the IP + UDP packet carrying the one keepalive byte (UDP checksum: zero over IPv4, computed over IPv6).</summary>
    private static void WriteKeepalive(Packet packet, UdpEndpoint local, UdpEndpoint remote)
    {
        const int DatagramLength = UdpEncapsulation.UdpHeaderLength + 1;
        bool v4 = local.Address.Version == IpVersion.V4;
        int ipLength = v4 ? Ipv4Header.MinLength : Ipv6Header.Length;
        Span<byte> data = packet.Put(ipLength + DatagramLength);
        data.Clear();
        if (v4)
        {
            var header = new Ipv4Header(data)
            {
                Version = 4,
                HeaderLength = Ipv4Header.MinLength,
                TotalLength = (ushort)data.Length,
                TimeToLive = KeepaliveTimeToLive,
                Protocol = IpProtocol.Udp,
                Source = local.Address,
                Destination = remote.Address,
            };
            header.UpdateChecksum();
        }
        else
        {
            _ = new Ipv6Header(data)
            {
                Version = 6,
                PayloadLength = DatagramLength,
                NextHeader = IpProtocol.Udp,
                HopLimit = KeepaliveTimeToLive,
                Source = local.Address,
                Destination = remote.Address,
            };
        }

        Span<byte> udp = data[ipLength..];
        UdpEncapsulation.WriteHeader(udp, local.Port, remote.Port, DatagramLength);
        udp[UdpEncapsulation.UdpHeaderLength] = UdpEncapsulation.KeepaliveByte;
        if (!v4)
        {
            InternetChecksum.WriteTransportChecksum(local.Address, remote.Address, IpProtocol.Udp, udp);
        }

        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(ipLength);
    }
}

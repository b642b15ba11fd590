using Netipsec.Engine;
using Netipsec.NatTraversal;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.PfKey.Service;

/// <summary>
/// Turns the engine's key-manager events into PF_KEY messages for a service's clients: ACQUIRE to the clients
/// registered for the SA type (RFC 2367 §3.1.6), EXPIRE (RFC 2367 §3.1.8) and X_SPDEXPIRE to every client,
/// X_NAT_T_NEW_MAPPING to every registered client. None of them carries keys.
/// </summary>
/// <remarks>
/// The engine calls it under the raising database's write lock, so it only builds messages and delivers them; it
/// never calls back into the SAD or SPD. Thread-safe: it keeps no state of its own.
/// </remarks>
internal sealed class KeyManagerNotifier : IKeyManagerListener
{
    // Base header, four address extensions of IPv6 sockaddrs, proposal header and X_POLICY with its templates.
    private const int AcquireOverhead = 1024;

    private readonly PfKeyService _service;
    private readonly SupportedAlgorithms _algorithms;

    public KeyManagerNotifier(PfKeyService service, SupportedAlgorithms algorithms)
    {
        _service = service;
        _algorithms = algorithms;
    }

    /// <summary>
    /// SADB_ACQUIRE: <c>sadb_msg_seq</c> is the sequence the answers must carry; SRC and DST are the SA's endpoints.
    /// The session's protocol and ports go on them in transport mode, and on INNER_SRC/INNER_DST (the triggering
    /// traffic) in tunnel mode, where the seed puts a tunnel's selectors. A proposal of the combinations the
    /// template allows follows (none for IPComp), then the policy as X_POLICY, which key managers such as racoon
    /// look the policy up by. Clients that registered the SA type with an extended REGISTER get the seed's extended
    /// ACQUIRE instead: <c>sadb_msg_satype</c> 0, the same addresses, and the template's choices as EPROP.
    /// </summary>
    public void OnAcquire(AcquireRequest request)
    {
        SaType saType = SaReplyWriter.SaTypeOf(request.Template.Protocol);
        var combinations = new Combination[_algorithms.MaxCombinations(request.Template.Protocol)];
        int count = _algorithms.Propose(request.Template, combinations);

        var buffer = new byte[AcquireOverhead + (count * Combination.Length)];
        SaReplyWriter.Fits(PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(MessageType.Acquire, saType, request.Sequence, 0), out PfKeyMessageWriter writer));
        AddAddresses(ref writer, request);
        if (request.Template.Protocol != IpsecProtocol.IpComp)
        {
            SaReplyWriter.Fits(writer.TryAddProposal(SupportedAlgorithms.ProposalReplayWindow, combinations.AsSpan(0, count)));
        }

        if (request.Policy is { } policy)
        {
            PolicyReplyWriter.AddPolicy(ref writer, policy);
        }

        _service.Broadcast(writer.Message, PfKeyAudience.RegisteredFor, one: null, saType);
        if (!_service.Clients.Any(client => client.IsExtendedRegisteredFor(saType)))
        {
            return;
        }

        var proposal = ExtendedProposal.For([request.Template], _algorithms);
        var extended = new byte[AcquireOverhead + proposal.EncodedLength];
        SaReplyWriter.Fits(PfKeyMessageWriter.TryCreate(extended, new PfKeyHeader(MessageType.Acquire, SaType.Unspecified, request.Sequence, 0), out writer));
        AddAddresses(ref writer, request);
        proposal.AddTo(ref writer);
        _service.Broadcast(writer.Message, PfKeyAudience.ExtendedRegisteredFor, one: null, saType);
    }

    /// <summary>SRC and DST, with the session's protocol and ports in transport mode; INNER_SRC and INNER_DST too in tunnel mode.</summary>
    private static void AddAddresses(ref PfKeyMessageWriter writer, AcquireRequest request)
    {
        AddressExtension trafficSource = SelectorConversion.SourceOf(request.Selector);
        AddressExtension trafficDestination = SelectorConversion.DestinationOf(request.Selector);
        if (request.Template.Mode == XfrmMode.Transport)
        {
            SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressSrc, Endpoint(request.Source, trafficSource)));
            SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressDst, Endpoint(request.Destination, trafficDestination)));
        }
        else
        {
            SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressSrc, SaReplyWriter.HostAddress(request.Source)));
            SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressDst, SaReplyWriter.HostAddress(request.Destination)));
            SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressInnerSrc, trafficSource));
            SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressInnerDst, trafficDestination));
        }
    }

    /// <summary>SADB_EXPIRE to every client.</summary>
    public void OnStateExpired(SecurityAssociation state, ExpiryKind kind)
    {
        Span<byte> buffer = stackalloc byte[PfKeyService.MaxReplyLength];
        int length = SaReplyWriter.WriteExpire(buffer, state, kind);
        SendToAll(buffer[..length]);
    }

    /// <summary>SADB_X_SPDEXPIRE, the policy as SPDGET shows it, to every client (af_key.c sends it on soft and hard expiry alike).</summary>
    public void OnPolicyExpired(SecurityPolicy policy, ExpiryKind kind)
    {
        Span<byte> buffer = stackalloc byte[PfKeyService.MaxReplyLength];
        int length = PolicyReplyWriter.Write(buffer, new PfKeyHeader(MessageType.SpdExpire, SaType.Unspecified, 0, 0), policy);
        SendToAll(buffer[..length]);
    }

    /// <summary>
    /// SADB_X_NAT_T_NEW_MAPPING as Linux's af_key.c builds it: SA (the SPI only), ADDRESS_SRC and X_NAT_T_SPORT with the
    /// peer the SA records, ADDRESS_DST and X_NAT_T_DPORT with where the packet came from (the new mapping, despite the
    /// names), to every client registered for any SA type. Linux stamps it with a fresh acquire sequence number that
    /// nothing answers; this sends 0.
    /// </summary>
    public void OnNatMappingChanged(NatMappingChange change)
    {
        Span<byte> buffer = stackalloc byte[PfKeyService.MaxReplyLength];
        SaReplyWriter.Fits(PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(MessageType.NatTNewMapping, SaType.Esp, 0, 0), out PfKeyMessageWriter writer));
        SaReplyWriter.Fits(writer.TryAddSa(new SaExtension(change.State.Spi, 0, default, default, default, default)));
        SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressSrc, SaReplyWriter.HostAddress(change.Previous.Address)));
        SaReplyWriter.Fits(writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(change.Previous.Port)));
        SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressDst, SaReplyWriter.HostAddress(change.Current.Address)));
        SaReplyWriter.Fits(writer.TryAddNatTPort(ExtensionType.NatTDport, new NatTPortExtension(change.Current.Port)));
        ReadOnlySpan<byte> message = writer.Message;
        foreach (PfKeyClient client in _service.Clients)
        {
            if (client.IsRegistered)
            {
                client.Deliver(message);
            }
        }
    }

    /// <summary>The SA's endpoint as a whole host, with the session's upper-layer protocol and port.</summary>
    private static AddressExtension Endpoint(Packets.IpAddress address, AddressExtension traffic) =>
        new(traffic.Protocol, (byte)address.BitLength, new Sockaddr(address, traffic.Sockaddr.Port));

    private void SendToAll(ReadOnlySpan<byte> message) => _service.Broadcast(message, PfKeyAudience.All, one: null);
}

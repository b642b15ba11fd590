using System.Collections.Immutable;
using Netipsec.Crypto;
using Netipsec.Engine;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Transforms.Esp;

namespace Netipsec.PfKey.Service;

/// <summary>
/// Executes PF_KEY v2 requests (RFC 2367) against an <see cref="XfrmEngine"/>'s SAD and SPD and sends the replies:
/// to the sender, and copies to every attached client where RFC 2367 §3.1 says "to all" (GETSPI, UPDATE, ADD,
/// DELETE, FLUSH, the seed's X_UPDATEPAIR and X_DELPAIR, and the SPD's add, update, delete and flush). Copies to
/// all never carry keys; only GET and DUMP, which go to the sender alone (and, like the ADD requests themselves, to
/// promiscuous clients), do. It also turns the engine's key-manager events into SADB_ACQUIRE (to the clients
/// registered for the SA type; the seed's extended ACQUIRE to those that registered it with EREG), SADB_EXPIRE and
/// SADB_X_SPDEXPIRE (to every client). A client that turned SADB_X_PROMISC on also gets a copy of every request any
/// client sends and of every message the service sends, as on Linux.
/// </summary>
/// <remarks>
/// <para>
/// Every request is checked in full (required and forbidden extensions, SA type, address families and protocols,
/// prefix lengths, algorithms and key sizes, SA state and flags, soft ≤ hard lifetimes) before the SAD or SPD is
/// touched, and each then takes one database call, so a refused request changes nothing. A refusal is answered to
/// the sender alone with the base header only: <c>sadb_msg_errno</c> and the diagnostic in <c>sadb_msg_reserved</c>.
/// </para>
/// <para>
/// Not handled yet (answered EOPNOTSUPP): EXPIRE from a client, X_SPDSETIDX, X_SPDACQUIRE, X_SPDEXPIRE, X_PCHANGE, X_NAT_T_NEW_MAPPING and X_MIGRATE.
/// </para>
/// <para>
/// Thread-safe: the databases serialise their own writes, and the client list is replaced atomically. Messages are
/// delivered synchronously on the calling thread through each client's <see cref="PfKeyMessageHandler"/>; event
/// messages on the thread that raised the event, under the raising database's write lock, so a handler must never
/// call back into the service or the databases (a socket server only queues the copy).
/// </para>
/// </remarks>
public sealed class PfKeyService
{
    /// <summary>
    /// The largest message the service sends. An SA with every extension and 512-bit keys, or a policy with six
    /// IPv6 tunnel requests, takes well under 1 KiB.
    /// </summary>
    internal const int MaxReplyLength = 4096;

    private readonly XfrmEngine _engine;
    private readonly SupportedAlgorithms _algorithms;
    private ImmutableArray<PfKeyClient> _clients = [];

    /// <summary>Creates a service that executes requests against <paramref name="engine"/> and listens to its events.</summary>
    /// <param name="engine">
    /// The engine whose databases the requests change; the service does not own it, and registers a listener on its
    /// <see cref="XfrmEngine.Events"/> for the engine's lifetime. REGISTER lists, and ACQUIRE proposes, what the
    /// crypto engines of its ESP transform (<see cref="EspTransform.CryptoEngines"/>) support, so the lists can never
    /// promise an algorithm an ADD would then refuse; without an ESP transform they are empty.
    /// </param>
    public PfKeyService(XfrmEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _algorithms = new SupportedAlgorithms(engine.Types.Get(IpsecProtocol.Esp) is EspTransform esp ? esp.CryptoEngines : []);
        engine.Events.Register(new KeyManagerNotifier(this, _algorithms));
    }

    /// <summary>The attached clients, in the order they attached.</summary>
    public ImmutableArray<PfKeyClient> Clients => _clients;

    /// <summary>Starts sending <paramref name="client"/> the messages that go to all (an open PF_KEY socket).</summary>
    public void Attach(PfKeyClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        ImmutableInterlocked.Update(ref _clients, static (list, added) => list.Contains(added) ? list : list.Add(added), client);
    }

    /// <summary>Stops sending to <paramref name="client"/> (its socket closed).</summary>
    public void Detach(PfKeyClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        ImmutableInterlocked.Update(ref _clients, static (list, removed) => list.Remove(removed), client);
    }

    /// <summary>
    /// Executes one request from <paramref name="sender"/> and sends the replies. <paramref name="message"/> must be
    /// exactly one message (<c>sadb_msg_len</c> bytes). Bad input never throws; it is answered with an error reply —
    /// except when the base header itself is unusable (too short, wrong version, length, type or reserved field),
    /// which leaves nothing to address a reply to: then nothing is sent and the socket layer reports the returned
    /// result as the send's error, as Linux's pfkey_sendmsg does.
    /// </summary>
    /// <returns>Success, or the errno and diagnostic of the refusal.</returns>
    public PfKeyResult Process(PfKeyClient sender, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(sender);
        bool parsed = PfKeyMessage.TryParse(message, PfKeyOrigin.Client, out PfKeyMessage request, out PfKeyError error);
        if (parsed || !IsUnanswerable(error.Reason))
        {
            // af_key.c's pfkey_process: once the base header is sound, promiscuous sockets see the request as sent.
            Broadcast(message, PfKeyAudience.PromiscuousOnly, one: null);
        }

        if (!parsed)
        {
            var result = new PfKeyResult(error.Errno, error.Diagnostic, IsUnanswerable(error.Reason));
            if (!result.Unanswered)
            {
                // An unknown SA type cannot be echoed: no parser would accept the reply. UNSPEC stands in for it.
                PfKeyHeader header = PfKeyHeader.Read(message);
                SendError(sender, error.Reason == PfKeyParseError.UnknownSaType ? header with { SaType = SaType.Unspecified } : header, result);
            }

            return result;
        }

        PfKeyResult outcome = RequestRules.Check(request);
        if (outcome.IsSuccess)
        {
            outcome = Execute(sender, request);
        }

        if (!outcome.IsSuccess)
        {
            SendError(sender, request.Header, outcome);
        }

        return outcome;
    }

    private PfKeyResult Execute(PfKeyClient sender, scoped in PfKeyMessage request) => request.Header.Type switch
    {
        MessageType.GetSpi => GetSpi(sender, request),
        MessageType.Add => Add(sender, request),
        MessageType.Update => Update(sender, request),
        MessageType.Delete => Delete(sender, request),
        MessageType.Get => Get(sender, request),
        MessageType.UpdatePair => UpdatePair(sender, request),
        MessageType.DelPair => DeletePair(sender, request),
        MessageType.Register => Register(sender, request),
        MessageType.Acquire => FailAcquire(request.Header),
        MessageType.Flush => Flush(sender, request.Header),
        MessageType.Dump => Dump(sender, request.Header),
        MessageType.SpdAdd => AddPolicy(sender, request, replace: false),
        MessageType.SpdUpdate => AddPolicy(sender, request, replace: true),
        MessageType.SpdDelete => DeletePolicy(sender, request),
        MessageType.SpdDelete2 => DeletePolicyByIndex(sender, request),
        MessageType.SpdGet => GetPolicy(sender, request),
        MessageType.SpdDump => DumpPolicies(sender, request.Header),
        MessageType.SpdFlush => FlushPolicies(sender, request.Header),
        MessageType.Promisc => Promisc(sender, request),
        MessageType.InverseAcquire => InverseAcquire(sender, request),
        _ => new PfKeyResult(PfKeyErrno.OperationNotSupported, PfKeyDiagnostic.None),
    };

    private PfKeyResult GetSpi(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        RequestRules.TryGetProtocol(request.Header.SaType, out IpsecProtocol protocol);
        request.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source);
        request.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination);
        request.TryGetSpiRange(out SpiRangeExtension range);
        PfKeyResult result = SaRequestReader.ReadModeAndReqId(request, out XfrmMode mode, out uint reqId);
        if (!result.IsSuccess)
        {
            return result;
        }

        // RFC 4303 §2.1: SPIs 0-255 are reserved; RFC 3173 §2.2: a CPI has 16 bits.
        uint highest = protocol == IpsecProtocol.IpComp ? ushort.MaxValue : uint.MaxValue;
        if (range.Min > range.Max || range.Max <= byte.MaxValue || range.Min > highest)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.MalformedRange);
        }

        SadStatus status = _engine.States.GetSpi(
            destination.Sockaddr.Address, source.Sockaddr.Address, protocol, mode, reqId, range.Min, range.Max, request.Header.Sequence, out SecurityAssociation? larval);
        if (status != SadStatus.Ok)
        {
            return FromSadStatus(status);
        }

        SendSa(sender, request.Header, larval!, SaReplyContent.Identity, toAll: true);
        return PfKeyResult.Success;
    }

    private PfKeyResult Add(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        RequestRules.TryGetProtocol(request.Header.SaType, out IpsecProtocol protocol);
        PfKeyResult result = SaRequestReader.TryRead(request, protocol, out SecurityAssociation? sa);
        if (!result.IsSuccess)
        {
            return result;
        }

        SadStatus status = _engine.States.Add(sa!);
        if (status != SadStatus.Ok)
        {
            return FromSadStatus(status);
        }

        SendSa(sender, request.Header, sa!, SaReplyContent.Settings, toAll: true);
        return PfKeyResult.Success;
    }

    /// <summary>
    /// UPDATE completes a larval SA (from GETSPI) or changes a mature one's lifetimes and NAT-T. Completing the
    /// larval state of an ACQUIRE must carry that ACQUIRE's sequence (the seed; KAME finds the larval SA by it).
    /// </summary>
    private PfKeyResult Update(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        RequestRules.TryGetProtocol(request.Header.SaType, out IpsecProtocol protocol);
        PfKeyResult result = SaRequestReader.TryRead(request, protocol, out SecurityAssociation? proposed);
        if (!result.IsSuccess)
        {
            return result;
        }

        if (_engine.States.Get(proposed!.Id, out SecurityAssociation? existing) != SadStatus.Ok)
        {
            return new PfKeyResult(PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
        }

        if (existing!.State == States.SaState.Larval)
        {
            if (existing.IsAcquireState && existing.AcquireSequence != request.Header.Sequence)
            {
                return new PfKeyResult(PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
            }

            if (existing.Source != proposed.Source)
            {
                return PfKeyResult.Invalid(PfKeyDiagnostic.BadSrc);
            }
        }
        else if (request.Contains(ExtensionType.ReplaySequence))
        {
            // A live SA's counters belong to its traffic: only an SA being installed may start elsewhere.
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadSaState);
        }

        SadStatus status = _engine.States.Update(proposed, out SecurityAssociation? installed);
        if (status != SadStatus.Ok)
        {
            return FromSadStatus(status);
        }

        SendSa(sender, request.Header, installed!, SaReplyContent.Settings, toAll: true);
        return PfKeyResult.Success;
    }

    private PfKeyResult Delete(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        if (!TryFindSa(request, out SecurityAssociation? sa) || _engine.States.Delete(sa.Id) != SadStatus.Ok)
        {
            return new PfKeyResult(PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
        }

        SendSa(sender, request.Header, sa, SaReplyContent.Identity, toAll: true);
        return PfKeyResult.Success;
    }

    private PfKeyResult Get(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        if (!TryFindSa(request, out SecurityAssociation? sa))
        {
            return new PfKeyResult(PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
        }

        SendSa(sender, request.Header, sa, SaReplyContent.SettingsAndKeys, toAll: false);
        return PfKeyResult.Success;
    }

    /// <summary>X_UPDATEPAIR: new hard and soft lifetimes for an SA and its pair together (the seed).</summary>
    private PfKeyResult UpdatePair(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        if (!TryFindSa(request, out SecurityAssociation? sa))
        {
            return new PfKeyResult(PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
        }

        SadStatus status = _engine.States.UpdatePair(
            sa.Id, LifetimeConversion.ToLimits(request, ExtensionType.LifetimeSoft), LifetimeConversion.ToLimits(request, ExtensionType.LifetimeHard));
        if (status != SadStatus.Ok)
        {
            // RequestRules already refused soft above hard, so an invalid pair update means a larval SA.
            return status == SadStatus.Invalid ? PfKeyResult.Invalid(PfKeyDiagnostic.BadSaState) : FromPairStatus(status);
        }

        SendSa(sender, request.Header, sa, SaReplyContent.Settings, toAll: true);
        return PfKeyResult.Success;
    }

    /// <summary>X_DELPAIR: deletes an SA and its pair together (the seed).</summary>
    private PfKeyResult DeletePair(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        if (!TryFindSa(request, out SecurityAssociation? sa))
        {
            return new PfKeyResult(PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
        }

        SadStatus status = _engine.States.DeletePair(sa.Id);
        if (status != SadStatus.Ok)
        {
            return FromPairStatus(status);
        }

        SendSa(sender, request.Header, sa, SaReplyContent.Identity, toAll: true);
        return PfKeyResult.Success;
    }

    /// <summary>
    /// RFC 2367 §3.1.7: registers the sender for the SA type's ACQUIREs and answers with the supported algorithms —
    /// authentication and encryption for ESP, authentication for AH, none for IPComp (compression has no list),
    /// both for UNSPEC, which registers nothing. As af_key.c does, the reply also goes to every other registered
    /// client, since the algorithm lists concern them all; registering a type twice is EEXIST. With the seed's EREG
    /// extension it is an extended REGISTER.
    /// </summary>
    private PfKeyResult Register(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        PfKeyHeader header = request.Header;
        if (request.TryGetEreg(out EregExtension ereg))
        {
            return RegisterExtended(sender, header, ereg);
        }

        if (header.SaType != SaType.Unspecified)
        {
            if (!RequestRules.TryGetProtocol(header.SaType, out _))
            {
                return PfKeyResult.Invalid(PfKeyDiagnostic.NoSadbs);
            }

            if (!sender.TryRegister(1u << (byte)header.SaType, extended: false))
            {
                return new PfKeyResult(PfKeyErrno.Exists, PfKeyDiagnostic.None);
            }
        }

        SendRegisterReply(sender, header);
        return PfKeyResult.Success;
    }

    /// <summary>
    /// The seed's extended REGISTER, <c>&lt;base, ereg&gt;</c> with <c>sadb_msg_satype</c> UNSPEC: registers the
    /// sender for every SA type the EREG lists, all or none, for ACQUIREs in the extended form (satype 0, EPROP), and
    /// answers with one REGISTER reply per type, as a REGISTER of that type would.
    /// </summary>
    private PfKeyResult RegisterExtended(PfKeyClient sender, PfKeyHeader header, EregExtension ereg)
    {
        if (header.SaType != SaType.Unspecified)
        {
            return PfKeyResult.Invalid(); // The types are the EREG's; a second place to name one is ambiguous.
        }

        if (ereg.Count == 0)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.SaTypeNeeded);
        }

        uint types = 0;
        for (int i = 0; i < ereg.Count; i++)
        {
            if (!RequestRules.TryGetProtocol(ereg[i], out _))
            {
                return PfKeyResult.Invalid(PfKeyDiagnostic.NoSadbs);
            }

            types |= 1u << (byte)ereg[i];
        }

        if (!sender.TryRegister(types, extended: true))
        {
            return new PfKeyResult(PfKeyErrno.Exists, PfKeyDiagnostic.None);
        }

        for (int i = 0; i < ereg.Count; i++)
        {
            uint bit = 1u << (byte)ereg[i];
            if ((types & bit) != 0)
            {
                types &= ~bit; // A type listed twice is answered once.
                SendRegisterReply(sender, header with { SaType = ereg[i] });
            }
        }

        return PfKeyResult.Success;
    }

    private void SendRegisterReply(PfKeyClient sender, PfKeyHeader header)
    {
        Span<byte> buffer = stackalloc byte[MaxReplyLength];
        SaReplyWriter.Fits(PfKeyMessageWriter.TryCreate(buffer, header, out PfKeyMessageWriter writer));
        if (header.SaType is SaType.Unspecified or SaType.Esp or SaType.Ah && _algorithms.Authentication.Length > 0)
        {
            SaReplyWriter.Fits(writer.TryAddSupported(ExtensionType.SupportedAuth, _algorithms.Authentication));
        }

        if (header.SaType is SaType.Unspecified or SaType.Esp && _algorithms.Encryption.Length > 0)
        {
            SaReplyWriter.Fits(writer.TryAddSupported(ExtensionType.SupportedEncrypt, _algorithms.Encryption));
        }

        Broadcast(writer.Message, PfKeyAudience.Registered, sender);
    }

    /// <summary>
    /// SADB_X_PROMISC (the seed; af_key.c's pfkey_promisc): the base header alone turns the sender's promiscuous
    /// mode on (<c>sadb_msg_satype</c> 1) or off (0), any other SA type being EINVAL; either way, and with extensions
    /// without changing the mode, the message goes to every client, the sender included.
    /// </summary>
    private PfKeyResult Promisc(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        if (request.Bytes.Length == PfKeyHeader.Length)
        {
            if (!PfKeyMessage.IsPromiscuousSwitch(request.Header, request.Bytes.Length))
            {
                return PfKeyResult.Invalid(); // af_key.c: only 0 and 1 switch the mode.
            }

            sender.IsPromiscuous = request.Header.SaType != SaType.Unspecified;
        }

        Broadcast(request.Bytes, PfKeyAudience.All, one: null);
        return PfKeyResult.Success;
    }

    /// <summary>
    /// SADB_X_INVERSE_ACQUIRE (the seed): <c>&lt;base, address(SD), (address(Is,Id))&gt;</c> asks which protection
    /// the SPD wants for traffic from SRC (this end) to DST — between INNER_SRC and INNER_DST when given, SRC and DST
    /// being the tunnel's ends. The outbound policy that traffic matches answers, to the sender alone, like an extended
    /// ACQUIRE: <c>&lt;base, address(SD), (address(Is,Id)), eprop&gt;</c> with <c>sadb_msg_satype</c> 0. No policy,
    /// or one that bypasses or blocks, is ENOENT.
    /// </summary>
    private PfKeyResult InverseAcquire(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        request.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source);
        request.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination);
        bool tunnel = request.TryGetAddress(ExtensionType.AddressInnerSrc, out AddressExtension innerSource)
            & request.TryGetAddress(ExtensionType.AddressInnerDst, out AddressExtension innerDestination);
        AddressExtension trafficSource = tunnel ? innerSource : source;
        AddressExtension trafficDestination = tunnel ? innerDestination : destination;
        var flow = new Packets.Flow(
            trafficSource.Sockaddr.Address,
            trafficDestination.Sockaddr.Address,
            trafficSource.Protocol == IpsecConstants.UlProtoAny ? default : (Packets.IpProtocol)trafficSource.Protocol,
            trafficSource.Sockaddr.Port,
            trafficDestination.Sockaddr.Port);
        if (_engine.Policies.Lookup(PolicyDirection.Out, flow) is not { Action: PolicyAction.Ipsec } policy)
        {
            return new PfKeyResult(PfKeyErrno.NoEntry, PfKeyDiagnostic.None);
        }

        var proposal = ExtendedProposal.For(policy.Templates, _algorithms);
        var buffer = new byte[MaxReplyLength + proposal.EncodedLength];
        SaReplyWriter.Fits(PfKeyMessageWriter.TryCreate(buffer, request.Header with { SaType = SaType.Unspecified }, out PfKeyMessageWriter writer));
        SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressSrc, source));
        SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressDst, destination));
        if (tunnel)
        {
            SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressInnerSrc, innerSource));
            SaReplyWriter.Fits(writer.TryAddAddress(ExtensionType.AddressInnerDst, innerDestination));
        }

        proposal.AddTo(ref writer);
        Broadcast(writer.Message, PfKeyAudience.One, sender);
        return PfKeyResult.Success;
    }

    /// <summary>
    /// A key manager reports that it could not negotiate the SA an ACQUIRE asked for (the seed's <c>&lt;base&gt;</c>
    /// with <c>sadb_msg_errno</c> set and the ACQUIRE's sequence): the acquire state goes, so the next packet
    /// retries. Nothing is sent on success, as af_key.c sends nothing. A client sends ACQUIRE for nothing else.
    /// </summary>
    private PfKeyResult FailAcquire(PfKeyHeader header)
    {
        if (header.Errno == PfKeyErrno.None)
        {
            return PfKeyResult.Invalid();
        }

        return _engine.States.FailAcquire(header.Sequence) == SadStatus.Ok
            ? PfKeyResult.Success
            : new PfKeyResult(PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
    }

    private PfKeyResult Flush(PfKeyClient sender, PfKeyHeader header)
    {
        _engine.States.Flush(RequestRules.TryGetProtocol(header.SaType, out IpsecProtocol protocol) ? protocol : null);
        SendHeader(sender, header, toAll: true);
        return PfKeyResult.Success;
    }

    /// <summary>RFC 2367 §3.1.10: one message per SA to the sender, <c>sadb_msg_seq</c> counting down to 0 on the last.</summary>
    private PfKeyResult Dump(PfKeyClient sender, PfKeyHeader header)
    {
        IReadOnlyList<SecurityAssociation> entries =
            _engine.States.Dump(RequestRules.TryGetProtocol(header.SaType, out IpsecProtocol protocol) ? protocol : null);
        if (entries.Count == 0)
        {
            return new PfKeyResult(PfKeyErrno.NoEntry, PfKeyDiagnostic.None); // As Linux answers an empty dump.
        }

        Span<byte> buffer = stackalloc byte[MaxReplyLength];
        for (int i = 0; i < entries.Count; i++)
        {
            SecurityAssociation sa = entries[i];
            var entryHeader = header with { SaType = SaReplyWriter.SaTypeOf(sa.Protocol), Sequence = (uint)(entries.Count - 1 - i) };
            int length = SaReplyWriter.Write(buffer, entryHeader, sa, SaReplyContent.SettingsAndKeys);
            Broadcast(buffer[..length], PfKeyAudience.One, sender);
            SaReplyWriter.Wipe(buffer[..length]);
        }

        return PfKeyResult.Success;
    }

    private PfKeyResult AddPolicy(PfKeyClient sender, scoped in PfKeyMessage request, bool replace)
    {
        PfKeyResult result = PolicyRequestReader.TryReadPolicy(request, out SecurityPolicy? policy);
        if (!result.IsSuccess)
        {
            return result;
        }

        SpdStatus status = replace ? _engine.Policies.Update(policy!) : _engine.Policies.Add(policy!);
        if (status != SpdStatus.Ok)
        {
            return FromSpdStatus(status);
        }

        SendPolicy(sender, request.Header, policy!, toAll: true);
        return PfKeyResult.Success;
    }

    private PfKeyResult DeletePolicy(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        PfKeyResult result = PolicyRequestReader.TryReadSelector(request, out Selector selector, out PolicyDirection direction);
        if (!result.IsSuccess)
        {
            return result;
        }

        SpdStatus status = _engine.Policies.Delete(direction, selector, out SecurityPolicy? removed);
        if (status != SpdStatus.Ok)
        {
            return FromSpdStatus(status);
        }

        SendPolicy(sender, request.Header, removed!, toAll: true);
        return PfKeyResult.Success;
    }

    private PfKeyResult DeletePolicyByIndex(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        request.TryGetPolicy(out PolicyExtension policy);
        SpdStatus status = _engine.Policies.DeleteByIndex(policy.Header.Id, out SecurityPolicy? removed);
        if (status != SpdStatus.Ok)
        {
            return FromSpdStatus(status);
        }

        SendPolicy(sender, request.Header, removed!, toAll: true);
        return PfKeyResult.Success;
    }

    private PfKeyResult GetPolicy(PfKeyClient sender, scoped in PfKeyMessage request)
    {
        request.TryGetPolicy(out PolicyExtension policy);
        if (_engine.Policies.GetByIndex(policy.Header.Id) is not { } found)
        {
            return FromSpdStatus(SpdStatus.NotFound);
        }

        SendPolicy(sender, request.Header, found, toAll: false);
        return PfKeyResult.Success;
    }

    private PfKeyResult DumpPolicies(PfKeyClient sender, PfKeyHeader header)
    {
        IReadOnlyList<SecurityPolicy> policies = _engine.Policies.Dump();
        if (policies.Count == 0)
        {
            return FromSpdStatus(SpdStatus.NotFound);
        }

        Span<byte> buffer = stackalloc byte[MaxReplyLength];
        for (int i = 0; i < policies.Count; i++)
        {
            int length = PolicyReplyWriter.Write(buffer, header with { Sequence = (uint)(policies.Count - 1 - i) }, policies[i]);
            Broadcast(buffer[..length], PfKeyAudience.One, sender);
        }

        return PfKeyResult.Success;
    }

    private PfKeyResult FlushPolicies(PfKeyClient sender, PfKeyHeader header)
    {
        _engine.Policies.Flush();
        SendHeader(sender, header, toAll: true);
        return PfKeyResult.Success;
    }

    /// <summary>The SA named by SA(*) and DST (RFC 2367 §3.1.4); the source is not part of an SA's identity.</summary>
    private bool TryFindSa(scoped in PfKeyMessage request, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SecurityAssociation? sa)
    {
        RequestRules.TryGetProtocol(request.Header.SaType, out IpsecProtocol protocol);
        request.TryGetSa(out SaExtension header);
        request.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination);
        return _engine.States.Get(new SaId(destination.Sockaddr.Address, header.Spi, protocol), out sa) == SadStatus.Ok && sa is not null;
    }

    private void SendSa(PfKeyClient sender, PfKeyHeader header, SecurityAssociation sa, SaReplyContent content, bool toAll)
    {
        Span<byte> buffer = stackalloc byte[MaxReplyLength];
        int length = SaReplyWriter.Write(buffer, header, sa, content);
        Send(sender, buffer[..length], toAll);
        SaReplyWriter.Wipe(buffer[..length]);
    }

    private void SendPolicy(PfKeyClient sender, PfKeyHeader header, SecurityPolicy policy, bool toAll)
    {
        Span<byte> buffer = stackalloc byte[MaxReplyLength];
        int length = PolicyReplyWriter.Write(buffer, header, policy);
        Send(sender, buffer[..length], toAll);
    }

    private void SendHeader(PfKeyClient sender, PfKeyHeader header, bool toAll)
    {
        Span<byte> buffer = stackalloc byte[PfKeyHeader.Length];
        SaReplyWriter.Fits(PfKeyMessageWriter.TryCreate(buffer, header, out PfKeyMessageWriter writer));
        Send(sender, writer.Message, toAll);
    }

    private void SendError(PfKeyClient sender, PfKeyHeader header, PfKeyResult result)
    {
        Span<byte> buffer = stackalloc byte[PfKeyHeader.Length];
        SaReplyWriter.Fits(PfKeyMessageWriter.TryCreate(buffer, header with { Errno = result.Errno, Diagnostic = result.Diagnostic }, out PfKeyMessageWriter writer));
        Broadcast(writer.Message, PfKeyAudience.One, sender);
    }

    private void Send(PfKeyClient sender, ReadOnlySpan<byte> message, bool toAll) =>
        Broadcast(message, toAll ? PfKeyAudience.All : PfKeyAudience.One, sender);

    /// <summary>
    /// Delivers <paramref name="message"/> as af_key.c's pfkey_broadcast does: every promiscuous client gets a copy;
    /// every client of <paramref name="audience"/> other than <paramref name="one"/> gets it; <paramref name="one"/>
    /// gets it last. So a promiscuous client that is also addressed gets it twice, as on Linux.
    /// </summary>
    /// <param name="registeredType">The SA type of <see cref="PfKeyAudience.RegisteredFor"/> and <see cref="PfKeyAudience.ExtendedRegisteredFor"/>.</param>
    internal void Broadcast(ReadOnlySpan<byte> message, PfKeyAudience audience, PfKeyClient? one, SaType registeredType = SaType.Unspecified)
    {
        foreach (PfKeyClient client in _clients)
        {
            if (client.IsPromiscuous)
            {
                client.Deliver(message);
            }

            if (!ReferenceEquals(client, one) && IsIn(client, audience, registeredType))
            {
                client.Deliver(message);
            }
        }

        one?.Deliver(message);
    }

    private static bool IsIn(PfKeyClient client, PfKeyAudience audience, SaType registeredType) => audience switch
    {
        PfKeyAudience.All => true,
        PfKeyAudience.Registered => client.IsRegistered,
        PfKeyAudience.RegisteredFor => client.IsRegisteredFor(registeredType) && !client.IsExtendedRegisteredFor(registeredType),
        PfKeyAudience.ExtendedRegisteredFor => client.IsExtendedRegisteredFor(registeredType),
        _ => false,
    };

    /// <summary>
    /// The errno Linux's <c>pfkey_sendmsg</c> fails the send with when the base header is unanswerable, or none:
    /// what <see cref="Process"/> would report as <see cref="PfKeyResult.Unanswered"/>, checked without a service.
    /// </summary>
    internal static PfKeyErrno CheckSendable(ReadOnlySpan<byte> message) =>
        !PfKeyMessage.TryParse(message, PfKeyOrigin.Client, out _, out PfKeyError error) && IsUnanswerable(error.Reason) ? error.Errno : PfKeyErrno.None;

    /// <summary>The base-header faults af_key.c's pfkey_get_base_msg refuses without an error message.</summary>
    private static bool IsUnanswerable(PfKeyParseError reason) =>
        reason is PfKeyParseError.TooShort or PfKeyParseError.BadVersion or PfKeyParseError.UnknownMessageType
            or PfKeyParseError.LengthMismatch or PfKeyParseError.ReservedNotZero;

    private static PfKeyResult FromSadStatus(SadStatus status) => status switch
    {
        SadStatus.Exists => new PfKeyResult(PfKeyErrno.Exists, PfKeyDiagnostic.None),
        SadStatus.NotFound => new PfKeyResult(PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound),
        SadStatus.Unsupported => PfKeyResult.Invalid(PfKeyDiagnostic.EncrNotSupp),
        SadStatus.SpiRangeExhausted => new PfKeyResult(PfKeyErrno.NoEntry, PfKeyDiagnostic.None), // Linux's xfrm_alloc_spi.
        _ => PfKeyResult.Invalid(),
    };

    private static PfKeyResult FromPairStatus(SadStatus status) => status switch
    {
        SadStatus.NotPaired => PfKeyResult.Invalid(PfKeyDiagnostic.PairInappropriate),
        SadStatus.PairNotFound => new PfKeyResult(PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.PairSaNotFound),
        _ => FromSadStatus(status),
    };

    private static PfKeyResult FromSpdStatus(SpdStatus status) => status switch
    {
        SpdStatus.Exists => new PfKeyResult(PfKeyErrno.Exists, PfKeyDiagnostic.None),
        SpdStatus.NotFound => new PfKeyResult(PfKeyErrno.NoEntry, PfKeyDiagnostic.None),
        SpdStatus.IndexesExhausted => new PfKeyResult(PfKeyErrno.NoBufferSpace, PfKeyDiagnostic.None),
        _ => PfKeyResult.Invalid(),
    };
}

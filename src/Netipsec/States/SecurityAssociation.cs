using Netipsec.Common;
using System.Globalization;
using System.Text;
using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.States;

/// <summary>
/// One Security Association (RFC 4301 §4.1; Linux's xfrm_state, KAME's secasvar): a one-way channel to
/// <see cref="Destination"/> identified by <see cref="Id"/>, with its keys, replay state, lifetimes and statistics.
/// </summary>
/// <remarks>
/// <para>
/// Key management builds an instance with the constructor and init properties and hands it to
/// <see cref="SecurityAssociationDatabase.Add"/> or <see cref="SecurityAssociationDatabase.Update"/>; from then on
/// the database owns it. The configuration is fixed once installed; only the lifetimes, the NAT-T encapsulation and
/// the pair link change, through the database. <see cref="State"/> moves Larval → Mature → Dying → Dead, driven by
/// the database only.
/// </para>
/// <para>
/// Thread safety: every property may be read from any thread. The data path advances <see cref="ReplayWindow"/> with
/// its AdvanceExclusively (its lock-free Check beside it, see <see cref="States.ReplayWindow"/>).
/// </para>
/// </remarks>
public sealed partial class SecurityAssociation
{
    private const SaFlags KnownFlags =
        SaFlags.Pfs | SaFlags.NoReplay | SaFlags.Inbound | SaFlags.Outbound | SaFlags.Paired | SaFlags.Tunnel
        | SaFlags.NatTraversalRemote | SaFlags.NatTraversalLocal | SaFlags.KeyManagement1 | SaFlags.KeyManagement2
        | SaFlags.KeyManagement3 | SaFlags.KeyManagement4 | SaFlags.EncryptionAlgorithm1 | SaFlags.EncryptionAlgorithm2
        | SaFlags.AuthenticationAlgorithm1 | SaFlags.AuthenticationAlgorithm2 | SaFlags.Unique | SaFlags.Used;

    /// <summary>The largest <see cref="TfcPadding"/>: an inner packet can be no longer than the largest IPv6 packet.</summary>
    public const int MaxTfcPadding = ushort.MaxValue + 40;

    /// <summary>The largest IPComp CPI: the SPI field carries a 16-bit CPI (RFC 3173 §2.2).</summary>
    internal const uint MaxCpi = ushort.MaxValue;

    private readonly SaFlags _flags;
    private volatile uint _spi;
    private volatile SaState _state;
    private uint _pairSpi;
    private NatTraversalEncapsulation? _natTraversal;
    private NatTraversalEncapsulation? _keyedNatTraversal;
    private bool _installed;

    /// <summary>Describes an SA to install; nothing is validated until the database takes it.</summary>
    /// <param name="id">Destination, SPI and protocol.</param>
    /// <param name="source">The source address (the tunnel's outer source in tunnel mode).</param>
    /// <param name="mode">Transport, tunnel or BEET.</param>
    public SecurityAssociation(SaId id, IpAddress source, XfrmMode mode)
    {
        Destination = id.Destination;
        _spi = id.Spi;
        Protocol = id.Protocol;
        Source = source;
        Mode = mode;
    }

    public SaId Id => new(Destination, _spi, Protocol);

    public IpAddress Destination { get; }

    /// <summary>The SPI (the CPI for IPComp); 0 only for an acquire state that has none yet.</summary>
    public uint Spi => _spi;

    public IpsecProtocol Protocol { get; }

    public IpAddress Source { get; }

    public XfrmMode Mode { get; }

    /// <summary>Binds the SA to policy templates of the same reqid (0 = none).</summary>
    public uint ReqId { get; init; }

    /// <summary>The integrity algorithm and key (ESP, AH), or null.</summary>
    public SaAlgorithm? Authentication { get; init; }

    /// <summary>The encryption (or AEAD) algorithm and key (ESP only), or null.</summary>
    public SaAlgorithm? Encryption { get; init; }

    /// <summary>The compression algorithm (IPComp only; it has no key), or null.</summary>
    public SaAlgorithm? Compression { get; init; }

    /// <summary>PF_KEY SA flags; <see cref="SaFlags.Used"/> is reported once the SA carried traffic.</summary>
    public SaFlags Flags
    {
        get => Current.UseTime is null ? _flags : _flags | SaFlags.Used;
        init => _flags = value & ~SaFlags.Used;
    }

    /// <summary>The anti-replay window in packets (sadb_sa_replay, up to <see cref="ReplayWindow.MaxSize"/>); 0 = no anti-replay.</summary>
    public int ReplayWindowSize { get; init; }

    /// <summary>64-bit extended sequence numbers (RFC 4303 §2.2.1); ESP and AH only.</summary>
    public bool ExtendedSequenceNumbers { get; init; }

    /// <summary>The inner traffic a tunnel or BEET SA carries (PF_KEY's inner address extensions), or null.</summary>
    public Selector? InnerSelector { get; init; }

    /// <summary>
    /// Traffic flow confidentiality padding (RFC 4303 §2.7; Linux's XFRMA_TFCPAD) of an ESP tunnel SA: inner packets
    /// shorter than this many bytes are padded up to it inside the encryption, but never beyond what still fits the
    /// path MTU. 0 (the default) pads nothing. The receiver needs no setting: the inner IP header states where the
    /// packet ends. At most <see cref="MaxTfcPadding"/>.
    /// </summary>
    public int TfcPadding { get; init; }

    /// <summary>
    /// What the ESP padding bytes hold (PF_KEY's SADB_X_EXT_PRAND / SADB_X_EXT_PZERO flags); ESP only, since AH and
    /// IPComp have no padding to choose. The receiver checks the padding only of a <see cref="EspPadding.Sequential"/> SA.
    /// </summary>
    public EspPadding Padding { get; init; }

    /// <summary>
    /// UDP encapsulation for NAT traversal (ESP only), or null. An update may replace it, and so may the engine when
    /// it follows a NAT's new port (<see cref="Netipsec.NatTraversal.NatTraversalOptions.FollowPortChanges"/>).
    /// </summary>
    public NatTraversalEncapsulation? NatTraversal
    {
        get => Volatile.Read(ref _natTraversal);
        init => _natTraversal = _keyedNatTraversal = value;
    }

    /// <summary>
    /// The encapsulation as key management gave it (ADD, UPDATE): <see cref="NatTraversal"/> before the engine
    /// followed any NAT port change, so a configuration that still says the same keeps the SA.
    /// </summary>
    public NatTraversalEncapsulation? KeyedNatTraversal => Volatile.Read(ref _keyedNatTraversal);

    /// <summary>The SPI of the opposite-direction SA this one is paired with (its destination is our source); 0 = none.</summary>
    public uint PairSpi
    {
        get => Volatile.Read(ref _pairSpi);
        init => _pairSpi = value;
    }

    /// <summary>
    /// The sequence number of the ACQUIRE this SA answers (sadb_msg_seq); for an acquire state, its own sequence.
    /// 0 = none.
    /// </summary>
    public uint AcquireSequence { get; init; }

    /// <summary>Which key-management protocol derived the SA (sadb_x_kmc_proto), 0 if unknown.</summary>
    public uint KeyManagerProtocol { get; init; }

    /// <summary>The key manager's cookie for the SA (sadb_x_kmc_cookie).</summary>
    public uint KeyManagerCookie { get; init; }

    public SaState State => _state;

    /// <summary>True for a state the database created for an ACQUIRE (Linux's XFRM_STATE_ACQ).</summary>
    public bool IsAcquireState { get; private init; }

    /// <summary>True when the SA checks replays: a window is configured, NOREPLAY is not set, and the protocol has sequence numbers.</summary>
    public bool AntiReplay => ReplayWindowSize > 0 && (_flags & SaFlags.NoReplay) == 0 && Protocol != IpsecProtocol.IpComp;

    /// <summary>
    /// True when the outbound sequence counter may wrap instead of stopping the SA: only without anti-replay
    /// (RFC 4303 §3.3.3).
    /// </summary>
    public bool AllowsSequenceCycling => !AntiReplay;

    /// <summary>
    /// The receiver's replay window, created when the SA is installed; null for IPComp (no sequence numbers) and
    /// before installation. Without anti-replay it has size 0: it accepts every number but still tracks the highest
    /// one for ESN inference. The data path advances it with <see cref="ReplayWindow.AdvanceExclusively"/>.
    /// </summary>
    public ReplayWindow? ReplayWindow { get; private set; }

    /// <summary>The sender's sequence counter, created when the SA is installed; null for IPComp and before installation.</summary>
    public SequenceCounter? SequenceCounter { get; private set; }

    /// <summary>Serialises changes to the SA's NAT-T peer state from the data path (the replay window serialises its own advances).</summary>
    public Lock SyncRoot { get; } = new();

    /// <summary>The SA's drop counters, named by <see cref="SaCounter"/>; counted lock-free by the data path.</summary>
    public EnumCounters<SaCounter> Statistics { get; } = new();

    /// <summary>setkey-like text; never includes key material.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Source} {Destination} {Protocol.ToString().ToLowerInvariant()} spi 0x{Spi:x8}")
            .Append(CultureInfo.InvariantCulture, $" mode {Mode.ToString().ToLowerInvariant()} reqid {ReqId} state {State.ToString().ToLowerInvariant()}");
        AppendAlgorithm(text, "E", Encryption);
        AppendAlgorithm(text, "A", Authentication);
        AppendAlgorithm(text, "C", Compression);
        if (NatTraversal is { } natTraversal)
        {
            text.Append(' ').Append(natTraversal);
        }

        return text.ToString();
    }

    private static void AppendAlgorithm(StringBuilder text, string kind, SaAlgorithm? algorithm)
    {
        if (algorithm is not null)
        {
            text.Append(' ').Append(kind).Append(": ").Append(algorithm);
        }
    }

    /// <summary>The transform's per-SA state (prepared keys, IV counter), set by its Init and cleared by its Destroy.</summary>
    internal object? TypeState { get; set; }

    /// <summary>
    /// The crypto engine running the SA's keys, e.g. "portable" or "intel-ipsec-mb" ("a+b" when ESP's cipher and
    /// integrity keys come from different engines); null until the transform prepares the SA, and for IPComp.
    /// </summary>
    public string? CryptoEngine => (TypeState as Crypto.IKeyedState)?.EngineName;

    /// <summary>
    /// The last outbound sequence number already used, for an SA restored from elsewhere (Linux's replay state
    /// oseq, as HA synchronisation and migration set it); 0 for a new SA, whose first packet carries 1.
    /// </summary>
    public ulong InitialOutboundSequence { get; init; }

    /// <summary>
    /// The highest inbound sequence number already seen, for an SA restored from elsewhere (Linux's replay state
    /// seq/seq_hi): the anti-replay window starts there, with nothing below it marked, so ESN infers the high half of
    /// the numbers that follow from it; 0 for a new SA.
    /// </summary>
    public ulong InitialInboundSequence { get; init; }

    /// <summary>Checks what <see cref="SecurityAssociationDatabase.Add"/> and Update require of a new SA.</summary>
    internal bool IsValidToInstall()
    {
        bool protocolFits = Protocol switch
        {
            // RFC 4303 §3.2: ESP needs confidentiality or integrity (NULL encryption counts as an algorithm).
            IpsecProtocol.Esp => (Encryption is not null || Authentication is not null) && Compression is null,
            IpsecProtocol.Ah => Authentication is not null && Encryption is null && Compression is null,
            IpsecProtocol.IpComp => Compression is not null && Authentication is null && Encryption is null
                && ReplayWindowSize == 0 && !ExtendedSequenceNumbers && Spi <= MaxCpi,
            _ => false,
        };

        return protocolFits
            && !_installed
            && Spi != 0
            && Mode is XfrmMode.Transport or XfrmMode.Tunnel or XfrmMode.Beet
            && Destination.Version != IpVersion.None
            && Source.Version == Destination.Version
            && (_flags & ~KnownFlags) == 0
            && (_flags & (SaFlags.Inbound | SaFlags.Outbound)) != (SaFlags.Inbound | SaFlags.Outbound)
            && ReplayWindowSize is >= 0 and <= ReplayWindow.MaxSize
            && (ExtendedSequenceNumbers || (InitialOutboundSequence <= uint.MaxValue && InitialInboundSequence <= uint.MaxValue))
            && SoftLimits.FitsWithin(HardLimits)
            && (InnerSelector is null || Mode != XfrmMode.Transport)
            && (TfcPadding == 0 || (TfcPadding is > 0 and <= MaxTfcPadding && Protocol == IpsecProtocol.Esp && Mode == XfrmMode.Tunnel))
            && (Padding == EspPadding.Sequential || (Enum.IsDefined(Padding) && Protocol == IpsecProtocol.Esp))
            && (NatTraversal is null || (Protocol == IpsecProtocol.Esp && NatTraversal.IsValid));
    }

    /// <summary>True when <paramref name="other"/> describes the same keyed channel: everything but lifetimes, NAT-T and the pair link.</summary>
    internal bool HasSameKeying(SecurityAssociation other) =>
        Source == other.Source
        && Mode == other.Mode
        && ReqId == other.ReqId
        && SameAlgorithm(Authentication, other.Authentication)
        && SameAlgorithm(Encryption, other.Encryption)
        && SameAlgorithm(Compression, other.Compression)
        && _flags == other._flags
        && ReplayWindowSize == other.ReplayWindowSize
        && ExtendedSequenceNumbers == other.ExtendedSequenceNumbers
        && TfcPadding == other.TfcPadding
        && Padding == other.Padding
        && Equals(InnerSelector, other.InnerSelector);

    private static bool SameAlgorithm(SaAlgorithm? installed, SaAlgorithm? proposed) =>
        installed is null ? proposed is null : proposed is not null && installed.HasSameKey(proposed);

    /// <summary>A larval state: a GETSPI reservation or, with <paramref name="acquireSequence"/> and SPI 0, an acquire state.</summary>
    internal static SecurityAssociation CreateLarval(
        SaId id, IpAddress source, XfrmMode mode, uint reqId, uint acquireSequence, bool isAcquireState, DateTimeOffset now, DateTimeOffset deadline) =>
        new(id, source, mode)
        {
            ReqId = reqId,
            AcquireSequence = acquireSequence,
            IsAcquireState = isAcquireState,
            Current = new LifetimeCurrent(now),
            LarvalDeadline = deadline,
            _installed = true,
        };

    /// <summary>Makes a validated SA live: starts its lifetime and creates its replay window and sequence counter.</summary>
    internal void Activate(DateTimeOffset now)
    {
        Current = new LifetimeCurrent(now);
        if (Protocol != IpsecProtocol.IpComp)
        {
            SequenceCounter = new SequenceCounter(ExtendedSequenceNumbers, AllowsSequenceCycling, InitialOutboundSequence);
            ReplayWindow = new ReplayWindow(AntiReplay ? ReplayWindowSize : 0, ExtendedSequenceNumbers, InitialInboundSequence);
        }

        AttachTunnelCompanion();
        _installed = true;
        _state = SaState.Mature;
    }

    /// <summary>GETSPI gave this acquire state an SPI (Linux's xfrm_alloc_spi on an ACQ state).</summary>
    internal void AssignSpi(uint spi) => _spi = spi;

    /// <summary>The database removed the SA: it must never carry traffic again, so its keys are wiped now.</summary>
    internal void Kill()
    {
        _state = SaState.Dead;
        if (TunnelCompanion is { } companion)
        {
            companion._state = SaState.Dead;
        }

        Authentication?.ZeroKey();
        Encryption?.ZeroKey();
        Compression?.ZeroKey();
    }
}

using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.Tests.States.SadTestData;

namespace Netipsec.Tests.States;

public sealed class SecurityAssociationTests
{
    [Theory]
    [InlineData(64, false)]
    [InlineData(1024, true)]
    [InlineData(ReplayWindow.MaxSize, true)]
    public void Installing_creates_the_replay_window_and_counter_as_configured(int windowSize, bool esn)
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Tunnel)
        {
            Encryption = new SaAlgorithm(AesCbc, EncryptionKey),
            ReplayWindowSize = windowSize,
            ExtendedSequenceNumbers = esn,
        };
        Assert.Null(sa.ReplayWindow);
        Assert.Null(sa.SequenceCounter);

        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.NotNull(sa.ReplayWindow);
        Assert.Equal(windowSize, sa.ReplayWindow.Size);
        Assert.Equal(esn, sa.ReplayWindow.ExtendedSequenceNumbers);
        Assert.NotNull(sa.SequenceCounter);
        Assert.Equal(0ul, sa.SequenceCounter.Current);
        Assert.Equal(esn, sa.SequenceCounter.ExtendedSequenceNumbers);
        Assert.False(sa.SequenceCounter.AllowCycling);
        Assert.True(sa.AntiReplay);
        Assert.False(sa.AllowsSequenceCycling);
    }

    [Fact]
    public void Without_a_window_replay_checks_are_off_and_the_counter_may_cycle_also_with_esn()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation noWindow = new(new SaId(Peer, 0x1001, IpsecProtocol.Esp), Local, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(AesCbc, EncryptionKey),
            ReplayWindowSize = 0,
            ExtendedSequenceNumbers = true,
        };

        Assert.Equal(SadStatus.Ok, db.Add(noWindow));

        // A size-0 window accepts everything but still tracks the highest number, which ESN inference needs.
        Assert.NotNull(noWindow.ReplayWindow);
        Assert.Equal(0, noWindow.ReplayWindow.Size);
        Assert.True(noWindow.ReplayWindow.ExtendedSequenceNumbers);
        Assert.NotNull(noWindow.SequenceCounter);
        Assert.True(noWindow.SequenceCounter.AllowCycling);
        Assert.True(noWindow.SequenceCounter.ExtendedSequenceNumbers);
        Assert.False(noWindow.AntiReplay);
        Assert.True(noWindow.AllowsSequenceCycling);
    }

    [Fact]
    public void The_noreplay_flag_turns_anti_replay_off_despite_a_window_size()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(AesCbc, EncryptionKey),
            ReplayWindowSize = 64,
            Flags = SaFlags.NoReplay,
        };

        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.Equal(0, sa.ReplayWindow!.Size);
        Assert.True(sa.SequenceCounter!.AllowCycling);
        Assert.False(sa.AntiReplay);
    }

    [Fact]
    public void IpComp_has_neither_replay_window_nor_sequence_counter()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = IpComp(0x4000);

        Assert.Equal(SadStatus.Ok, db.Add(sa));

        Assert.Null(sa.ReplayWindow);
        Assert.Null(sa.SequenceCounter);
    }

    [Fact]
    public void ToString_shows_the_sa_but_never_its_keys()
    {
        SecurityAssociation sa = Esp(0x1234, mode: XfrmMode.Tunnel, reqId: 7);
        string text = sa.ToString();

        Assert.Contains("spi 0x00001234", text, StringComparison.Ordinal);
        Assert.Contains("mode tunnel reqid 7", text, StringComparison.Ordinal);
        Assert.Contains("alg 12 (128-bit key)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(EncryptionKey), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToHexString(AuthenticationKey), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(EncryptionKey), text, StringComparison.Ordinal);
        Assert.DoesNotContain("16, 17, 18", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_used_flag_appears_with_the_first_packet_and_cannot_be_configured()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(AesCbc, EncryptionKey),
            Flags = SaFlags.Pfs | SaFlags.Used,
        };
        Assert.Equal(SadStatus.Ok, db.Add(sa));
        Assert.Equal(SaFlags.Pfs, sa.Flags);

        db.Account(sa, 100);

        Assert.Equal(SaFlags.Pfs | SaFlags.Used, sa.Flags);
    }

    [Fact]
    public void Flag_values_are_those_of_pf_key()
    {
        Assert.Equal(0x1u, (uint)SaFlags.Pfs);
        Assert.Equal(0x2u, (uint)SaFlags.NoReplay);
        // include/netipsec/pfkeyv2_ext.h moves these three off Linux's NOPMTUDISC/DECAP_DSCP/NOECN bits.
        Assert.Equal(0x2000u, (uint)SaFlags.Used);
        Assert.Equal(0x1000u, (uint)SaFlags.Unique);
        Assert.Equal(0x800u, (uint)SaFlags.AuthenticationAlgorithm1);
        Assert.Equal(0x8000000u, (uint)SaFlags.EncryptionAlgorithm1);
        Assert.Equal(0x2000000u, (uint)SaFlags.KeyManagement1);
        Assert.Equal(0x400000u, (uint)SaFlags.KeyManagement4);
        Assert.Equal(0x100000u, (uint)SaFlags.NatTraversalLocal);
        Assert.Equal(0x80000u, (uint)SaFlags.NatTraversalRemote);
        Assert.Equal(0x20000u, (uint)SaFlags.Tunnel);
        Assert.Equal(0x10000u, (uint)SaFlags.Paired);
        Assert.Equal(0x8000u, (uint)SaFlags.Outbound);
        Assert.Equal(0x4000u, (uint)SaFlags.Inbound);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, new[] { SaState.Larval, SaState.Mature, SaState.Dying, SaState.Dead }.Select(s => (byte)s));
    }

    public static TheoryData<string, Func<SecurityAssociation>> InvalidSas => new()
    {
        { "SPI 0 is reserved", () => Esp(0) },
        { "mixed address families", () => Esp(0x1000, destination: IpAddress.Parse("2001:db8::1")) },
        { "ESP without any algorithm", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) },
        { "ESP with compression", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), Compression = SaAlgorithm.WithoutKey(Deflate) } },
        { "AH with encryption", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Ah), Local, XfrmMode.Transport) { Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey), Encryption = new SaAlgorithm(AesCbc, EncryptionKey) } },
        { "AH without authentication", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Ah), Local, XfrmMode.Transport) },
        { "IPComp without compression", () => new(new SaId(Peer, 0x1000, IpsecProtocol.IpComp), Local, XfrmMode.Transport) },
        { "IPComp with a replay window", () => new(new SaId(Peer, 0x1000, IpsecProtocol.IpComp), Local, XfrmMode.Transport) { Compression = SaAlgorithm.WithoutKey(Deflate), ReplayWindowSize = 32 } },
        { "IPComp CPI above 16 bits", () => IpComp(0x10000) },
        { "replay window above the maximum", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), ReplayWindowSize = ReplayWindow.MaxSize + 1 } },
        { "negative replay window", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), ReplayWindowSize = -1 } },
        { "ESN on IPComp", () => new(new SaId(Peer, 0x1000, IpsecProtocol.IpComp), Local, XfrmMode.Transport) { Compression = SaAlgorithm.WithoutKey(Deflate), ExtendedSequenceNumbers = true } },
        { "unknown flag bit", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), Flags = (SaFlags)0x200000 } },
        { "both direction bits", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), Flags = SaFlags.Inbound | SaFlags.Outbound } },
        { "soft limit above hard", () => Esp(0x1000, soft: new LifetimeLimits(2000, 0, TimeSpan.Zero, TimeSpan.Zero), hard: new LifetimeLimits(1000, 0, TimeSpan.Zero, TimeSpan.Zero)) },
        { "inner selector in transport mode", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), InnerSelector = HostSelector } },
        { "NAT-T on AH", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Ah), Local, XfrmMode.Transport) { Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey), NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 4500) } },
        { "NAT-T with port 0", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 0) } },
        { "undefined mode", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, (XfrmMode)9) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey) } },
        { "zero padding on AH", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Ah), Local, XfrmMode.Transport) { Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey), Padding = EspPadding.Zero } },
        { "random padding on IPComp", () => new(new SaId(Peer, 0x1000, IpsecProtocol.IpComp), Local, XfrmMode.Transport) { Compression = SaAlgorithm.WithoutKey(Deflate), Padding = EspPadding.Random } },
        { "undefined padding", () => new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Transport) { Encryption = new SaAlgorithm(AesCbc, EncryptionKey), Padding = (EspPadding)3 } },
    };

    [Theory]
    [MemberData(nameof(InvalidSas))]
    public void An_inconsistent_sa_is_rejected(string description, Func<SecurityAssociation> build)
    {
        var db = NewDatabase(NewClock());

        Assert.True(SadStatus.Invalid == db.Add(build()), description);
        Assert.Equal(0, db.Count);
    }

    [Fact]
    public void Valid_variants_are_accepted()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation tunnel = new(new SaId(Peer, 0x1000, IpsecProtocol.Esp), Local, XfrmMode.Tunnel)
        {
            Encryption = SaAlgorithm.WithoutKey(11),
            Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey),
            InnerSelector = Selector.Any(IpVersion.V6),
            NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 61000, Other),
            Flags = SaFlags.Tunnel | SaFlags.Outbound | SaFlags.NatTraversalRemote,
        };

        Assert.Equal(SadStatus.Ok, db.Add(tunnel));
        Assert.Equal(SadStatus.Ok, db.Add(Ah(0x1000)));
        Assert.Equal(SadStatus.Ok, db.Add(IpComp(0xFFFF)));
        Assert.Equal(SadStatus.Ok, db.Add(new SecurityAssociation(new SaId(Peer, 0x1001, IpsecProtocol.Esp), Local, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(AesCbc, EncryptionKey),
            Padding = EspPadding.Random,
        }));
        Assert.Equal(SaState.Mature, tunnel.State);
    }

    [Fact]
    public void An_installed_sa_cannot_be_added_again_even_after_it_was_deleted()
    {
        var db = NewDatabase(NewClock());
        SecurityAssociation sa = Esp(0x1000);
        Assert.Equal(SadStatus.Ok, db.Add(sa));
        Assert.Equal(SadStatus.Ok, db.Delete(sa.Id));

        Assert.Equal(SadStatus.Invalid, db.Add(sa));
    }

    [Fact]
    public void Statistics_count_each_kind_of_drop()
    {
        SecurityAssociation sa = Esp(0x1000);

        sa.Statistics.Increment(SaCounter.Replay);
        sa.Statistics.Increment(SaCounter.Replay);
        sa.Statistics.Increment(SaCounter.ReplayWindow);
        sa.Statistics.Increment(SaCounter.IntegrityFailures);
        sa.Statistics.Increment(SaCounter.IntegrityFailures);
        sa.Statistics.Increment(SaCounter.IntegrityFailures);

        Assert.Equal(2, sa.Statistics[SaCounter.Replay]);
        Assert.Equal(1, sa.Statistics[SaCounter.ReplayWindow]);
        Assert.Equal(3, sa.Statistics[SaCounter.IntegrityFailures]);
    }
}

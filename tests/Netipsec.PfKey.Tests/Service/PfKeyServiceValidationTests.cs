using Netipsec.Packets;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>
/// Every check the service makes before touching a database: the exact errno and diagnostic of the error reply, and
/// that the refused request left the SAD and SPD as they were.
/// </summary>
public sealed class PfKeyServiceValidationTests
{
    private const PfKeyErrno Einval = PfKeyErrno.InvalidArgument;

    private static readonly byte[] Key160 = new byte[20];

    /// <summary>An ESP ADD (or another SA message) from Local to Peer with the given SA fields, plus <paramref name="extend"/>.</summary>
    private static byte[] Sa(
        AuthAlgorithm auth = AuthAlgorithm.None,
        EncryptAlgorithm encrypt = EncryptAlgorithm.AesGcmIcv16,
        SaFlags flags = SaFlags.None,
        SaState state = SaState.Mature,
        SaType saType = SaType.Esp,
        MessageType type = MessageType.Add,
        Extend? extend = null) =>
        Build(type, saType, 1, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(0x1000, 0, state, auth, encrypt, flags)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
            extend?.Invoke(ref writer);
        });

    private static Extend EncryptKey(int bits = 160) => (ref PfKeyMessageWriter writer) =>
        Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension((ushort)bits, new byte[(bits + 7) / 8])));

    private static Extend AuthKey(int bits) => (ref PfKeyMessageWriter writer) =>
        Assert.True(writer.TryAddKey(ExtensionType.KeyAuth, new KeyExtension((ushort)bits, new byte[(bits + 7) / 8])));

    private static Extend Both(Extend first, Extend second) => (ref PfKeyMessageWriter writer) =>
    {
        first(ref writer);
        second(ref writer);
    };

    private static Extend Lifetimes(LifetimeExtension soft, LifetimeExtension hard) => Both(
        EncryptKey(),
        (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeSoft, soft));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, hard));
        });

    private static Extend Inner(AddressExtension? source, AddressExtension? destination) => Both(
        EncryptKey(),
        (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 0, 0)));
            if (source is { } s)
            {
                Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerSrc, s));
            }

            if (destination is { } d)
            {
                Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerDst, d));
            }
        });

    private static Extend NatT(byte type, ushort sourcePort, ushort? destinationPort) => Both(
        EncryptKey(),
        (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddNatTType(new NatTTypeExtension(type)));
            Assert.True(writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(sourcePort)));
            if (destinationPort is { } port)
            {
                Assert.True(writer.TryAddNatTPort(ExtensionType.NatTDport, new NatTPortExtension(port)));
            }
        });

    /// <summary>The seed's NAT-T form: NATT_LOC and NATT_REM (either may be left out), with the encryption key.</summary>
    private static Extend SeedNatT(AddressExtension? local, AddressExtension? remote) => Both(
        EncryptKey(),
        (ref PfKeyMessageWriter writer) =>
        {
            if (local is { } l)
            {
                Assert.True(writer.TryAddAddress(ExtensionType.AddressNattLoc, l));
            }

            if (remote is { } r)
            {
                Assert.True(writer.TryAddAddress(ExtensionType.AddressNattRem, r));
            }
        });

    private static byte[] InverseAcquire(AddressExtension? source, AddressExtension? destination) =>
        Build(MessageType.InverseAcquire, SaType.Unspecified, 1, (ref PfKeyMessageWriter writer) =>
        {
            if (source is { } s)
            {
                Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, s));
            }

            if (destination is { } d)
            {
                Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, d));
            }
        });

    private static byte[] ExtendedRegister(SaType baseType, params SaType[] types) =>
        Build(MessageType.Register, baseType, 1, (ref PfKeyMessageWriter writer) => Assert.True(writer.TryAddEreg(new EregExtension(types))));

    private static byte[] GetSpi(uint min, uint max, SaType saType = SaType.Esp, Extend? extend = null) =>
        Build(MessageType.GetSpi, saType, 1, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
            Assert.True(writer.TryAddSpiRange(new SpiRangeExtension(min, max)));
            extend?.Invoke(ref writer);
        });

    private static readonly IpAddress InnerV4 = IpAddress.Parse("10.0.0.0");
    private static readonly IpAddress Elsewhere = IpAddress.Parse("203.0.113.9");

    public static TheoryData<string, byte[], PfKeyErrno, PfKeyDiagnostic> Refusals => new()
    {
        // Required extensions (the seed's message formats).
        { "ADD without SA", Build(MessageType.Add, SaType.Esp, 1, (ref PfKeyMessageWriter w) => Assert.True(w.TryAddAddress(ExtensionType.AddressDst, Address(Peer)))), Einval, PfKeyDiagnostic.MissingSa },
        { "ADD without SRC", Build(MessageType.Add, SaType.Esp, 1, (ref PfKeyMessageWriter w) => Assert.True(w.TryAddSa(new SaExtension(0x1000, 0, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, SaFlags.None)))), Einval, PfKeyDiagnostic.MissingSrc },
        { "DELETE without DST", Build(MessageType.Delete, SaType.Esp, 1, (ref PfKeyMessageWriter w) =>
            {
                Assert.True(w.TryAddSa(new SaExtension(0x1000, 0, SaState.Larval, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None)));
                Assert.True(w.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
            }), Einval, PfKeyDiagnostic.MissingDst },
        { "GETSPI without range", Build(MessageType.GetSpi, SaType.Esp, 1, (ref PfKeyMessageWriter w) =>
            {
                Assert.True(w.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
                Assert.True(w.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
            }), Einval, PfKeyDiagnostic.MissingRange },
        { "GETSPI without SRC", Build(MessageType.GetSpi, SaType.Esp, 1, (ref PfKeyMessageWriter w) => Assert.True(w.TryAddSpiRange(new SpiRangeExtension(0x1000, 0x2000)))), Einval, PfKeyDiagnostic.MissingSrc },

        // Forbidden extensions.
        { "GETSPI with an auth key", GetSpi(0x1000, 0x2000, extend: AuthKey(160)), Einval, PfKeyDiagnostic.AKeyPresent },
        { "DELETE with an encryption key", Sa(type: MessageType.Delete, extend: EncryptKey()), Einval, PfKeyDiagnostic.EKeyPresent },
        { "GET with an auth key", Sa(type: MessageType.Get, extend: AuthKey(160)), Einval, PfKeyDiagnostic.AKeyPresent },
        { "FLUSH with an encryption key", Build(MessageType.Flush, SaType.Esp, 1, EncryptKey()), Einval, PfKeyDiagnostic.EKeyPresent },
        { "ADD with a proposal", Sa(extend: Both(EncryptKey(), (ref PfKeyMessageWriter w) => Assert.True(w.TryAddProposal(32, [new Combination()])))), Einval, PfKeyDiagnostic.PropPresent },
        { "ADD with supported algorithms", Sa(extend: Both(EncryptKey(), (ref PfKeyMessageWriter w) => Assert.True(w.TryAddSupported(ExtensionType.SupportedAuth, [])))), Einval, PfKeyDiagnostic.SuppPresent },
        { "DELETE with a pair", Sa(type: MessageType.Delete, extend: (ref PfKeyMessageWriter w) => Assert.True(w.TryAddPair(new PairExtension(0x2000)))), Einval, PfKeyDiagnostic.PairInappropriate },

        // SA type.
        { "ADD of SA type UNSPEC", Sa(saType: SaType.Unspecified, extend: EncryptKey()), Einval, PfKeyDiagnostic.SaTypeNeeded },
        { "ADD of SA type RSVP", Sa(saType: SaType.Rsvp, extend: EncryptKey()), Einval, PfKeyDiagnostic.NoSadbs },
        { "FLUSH of SA type OSPFv2", Build(MessageType.Flush, SaType.Ospfv2, 1), Einval, PfKeyDiagnostic.NoSadbs },
        { "DUMP of SA type MIP", Build(MessageType.Dump, SaType.Mip, 1), Einval, PfKeyDiagnostic.NoSadbs },

        // Addresses.
        { "source and destination of two families", Build(MessageType.Add, SaType.Esp, 1, (ref PfKeyMessageWriter w) =>
            {
                Assert.True(w.TryAddSa(new SaExtension(0x1000, 0, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, SaFlags.None)));
                Assert.True(w.TryAddAddress(ExtensionType.AddressSrc, Address(LocalV6)));
                Assert.True(w.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
                EncryptKey()(ref w);
            }), Einval, PfKeyDiagnostic.AfMismatch },
        { "source and destination of two protocols", Build(MessageType.GetSpi, SaType.Esp, 1, (ref PfKeyMessageWriter w) =>
            {
                Assert.True(w.TryAddAddress(ExtensionType.AddressSrc, Address(Local, protocol: 6)));
                Assert.True(w.TryAddAddress(ExtensionType.AddressDst, Address(Peer, protocol: 17)));
                Assert.True(w.TryAddSpiRange(new SpiRangeExtension(0x1000, 0x2000)));
            }), Einval, PfKeyDiagnostic.ProtoMismatch },
        { "inner source without inner destination", Sa(extend: Inner(Address(InnerV4, 8), null)), Einval, PfKeyDiagnostic.MissingInnerDst },
        { "inner destination without inner source", Sa(extend: Inner(null, Address(InnerV4, 8))), Einval, PfKeyDiagnostic.MissingInnerSrc },
        { "inner addresses of two families", Sa(extend: Inner(Address(InnerV4, 8), Address(LocalV6, 64))), Einval, PfKeyDiagnostic.InnerAfMismatch },
        { "inner addresses of two protocols", Sa(extend: Inner(Address(InnerV4, 8, 6), Address(InnerV4, 8, 17))), Einval, PfKeyDiagnostic.InnerProtoMismatch },

        // Lifetimes: soft above hard, field by field (RFC 2367 §2.3.2).
        { "soft allocations above hard", Sa(extend: Lifetimes(new(11, 0, 0, 0), new(10, 0, 0, 0))), Einval, PfKeyDiagnostic.AllocHsErr },
        { "soft bytes above hard", Sa(extend: Lifetimes(new(0, 11, 0, 0), new(0, 10, 0, 0))), Einval, PfKeyDiagnostic.BytesHsErr },
        { "soft add time above hard", Sa(extend: Lifetimes(new(0, 0, 11, 0), new(0, 0, 10, 0))), Einval, PfKeyDiagnostic.AddtimeHsErr },
        { "soft use time above hard", Sa(extend: Lifetimes(new(0, 0, 0, 11), new(0, 0, 0, 10))), Einval, PfKeyDiagnostic.UsetimeHsErr },

        // SA state and flags.
        { "ADD of a dying SA", Sa(state: SaState.Dying, extend: EncryptKey()), Einval, PfKeyDiagnostic.BadSaState },
        { "ADD claiming USED", Sa(flags: SaFlags.Used, extend: EncryptKey()), Einval, PfKeyDiagnostic.BadSaFlags },
        { "ADD with a reserved flag", Sa(flags: SaFlags.Kres1, extend: EncryptKey()), Einval, PfKeyDiagnostic.BadSaFlags },
        { "ADD with Linux's NOECN", Sa(flags: SaFlags.NoEcn, extend: EncryptKey()), Einval, PfKeyDiagnostic.BadSaFlags },
        { "ADD both inbound and outbound", Sa(flags: SaFlags.Inbound | SaFlags.Outbound, extend: EncryptKey()), Einval, PfKeyDiagnostic.BadSaDirection },
        { "ADD with random and zero padding", Sa(flags: SaFlags.PaddingRandom | SaFlags.PaddingZero, extend: EncryptKey()), Einval, PfKeyDiagnostic.BadSaFlags },
        { "UPDATE with random and zero padding", Sa(type: MessageType.Update, flags: SaFlags.PaddingRandom | SaFlags.PaddingZero, extend: EncryptKey()), Einval, PfKeyDiagnostic.BadSaFlags },
        { "AH with zero padding", Sa(saType: SaType.Ah, auth: AuthAlgorithm.Sha1Hmac, encrypt: EncryptAlgorithm.None, flags: SaFlags.PaddingZero, extend: AuthKey(160)), Einval, PfKeyDiagnostic.BadSaFlags },
        { "IPComp with random padding", Sa(saType: SaType.IpComp, encrypt: (EncryptAlgorithm)CompressAlgorithm.Deflate, flags: SaFlags.PaddingRandom), Einval, PfKeyDiagnostic.BadSaFlags },

        // Algorithms and keys (AlgorithmTable).
        { "unknown encryption algorithm", Sa(encrypt: (EncryptAlgorithm)99, extend: EncryptKey()), Einval, PfKeyDiagnostic.BadEalg },
        { "unknown authentication algorithm", Sa(auth: (AuthAlgorithm)99, encrypt: EncryptAlgorithm.AesCbc, extend: Both(EncryptKey(128), AuthKey(160))), Einval, PfKeyDiagnostic.BadAalg },
        { "ESP without any algorithm", Sa(encrypt: EncryptAlgorithm.None), Einval, PfKeyDiagnostic.BadEalg },
        { "AH with encryption", Sa(saType: SaType.Ah, auth: AuthAlgorithm.Sha1Hmac, encrypt: EncryptAlgorithm.AesCbc, extend: Both(EncryptKey(128), AuthKey(160))), Einval, PfKeyDiagnostic.BadEalg },
        { "AH without authentication", Sa(saType: SaType.Ah, encrypt: EncryptAlgorithm.None), Einval, PfKeyDiagnostic.BadAalg },
        { "AEAD with an authentication algorithm", Sa(auth: AuthAlgorithm.Sha256Hmac, extend: Both(EncryptKey(), AuthKey(256))), Einval, PfKeyDiagnostic.BadAalg },
        { "encryption key missing", Sa(), Einval, PfKeyDiagnostic.MissingEKey },
        { "authentication key missing", Sa(auth: AuthAlgorithm.Sha1Hmac, encrypt: EncryptAlgorithm.Null), Einval, PfKeyDiagnostic.MissingAKey },
        { "AES-GCM key of 128 bits (the salt is missing)", Sa(extend: EncryptKey(128)), Einval, PfKeyDiagnostic.BadEKeyBits },
        { "HMAC-SHA1 key of 128 bits", Sa(auth: AuthAlgorithm.Sha1Hmac, encrypt: EncryptAlgorithm.Null, extend: AuthKey(128)), Einval, PfKeyDiagnostic.BadAKeyBits },
        { "NULL encryption with a key", Sa(auth: AuthAlgorithm.Sha1Hmac, encrypt: EncryptAlgorithm.Null, extend: Both(EncryptKey(128), AuthKey(160))), Einval, PfKeyDiagnostic.EKeyPresent },
        { "an auth key without an auth algorithm", Sa(extend: Both(EncryptKey(), AuthKey(160))), Einval, PfKeyDiagnostic.AKeyPresent },
        { "IPComp with authentication", Sa(saType: SaType.IpComp, auth: AuthAlgorithm.Sha1Hmac, encrypt: (EncryptAlgorithm)CompressAlgorithm.Deflate), Einval, PfKeyDiagnostic.BadAalg },
        { "IPComp with an unknown compression", Sa(saType: SaType.IpComp, encrypt: (EncryptAlgorithm)77), Einval, PfKeyDiagnostic.BadEalg },
        { "IPComp with a key", Sa(saType: SaType.IpComp, encrypt: (EncryptAlgorithm)CompressAlgorithm.Deflate, extend: EncryptKey(128)), Einval, PfKeyDiagnostic.EKeyPresent },

        // SA2 and NAT-T.
        { "SA2 with an unknown mode", Sa(extend: Both(EncryptKey(), (ref PfKeyMessageWriter w) => Assert.True(w.TryAddSa2(new Sa2Extension((IpsecMode)9, 0, 0))))), Einval, PfKeyDiagnostic.None },
        { "NAT-T type without a destination port", Sa(extend: NatT(2, 4500, null)), Einval, PfKeyDiagnostic.NoExt },
        { "NAT-T of the non-IKE type", Sa(extend: NatT(1, 4500, 4500)), Einval, PfKeyDiagnostic.None },
        { "NAT-T port 0", Sa(extend: NatT(2, 0, 4500)), Einval, PfKeyDiagnostic.None },

        // The seed's NAT-T form.
        { "NATT_LOC without NATT_REM", Sa(flags: SaFlags.Outbound, extend: SeedNatT(Address(Local, port: 4500), null)), Einval, PfKeyDiagnostic.MissingNattRem },
        { "NATT_REM without NATT_LOC", Sa(flags: SaFlags.Outbound, extend: SeedNatT(null, Address(Peer, port: 4500))), Einval, PfKeyDiagnostic.MissingNattLoc },
        { "NATT_LOC of the other family", Sa(flags: SaFlags.Outbound, extend: SeedNatT(Address(LocalV6, port: 4500), Address(Peer, port: 4500))), Einval, PfKeyDiagnostic.BadNattLocAf },
        { "NATT_REM of the other family", Sa(flags: SaFlags.Outbound, extend: SeedNatT(Address(Local, port: 4500), Address(LocalV6, port: 4500))), Einval, PfKeyDiagnostic.BadNattRemAf },
        { "NATT_LOC port 0", Sa(flags: SaFlags.Outbound, extend: SeedNatT(Address(Local), Address(Peer, port: 4500))), Einval, PfKeyDiagnostic.MalformedNattLoc },
        { "NATT_REM port 0", Sa(flags: SaFlags.Outbound, extend: SeedNatT(Address(Local, port: 4500), Address(Peer))), Einval, PfKeyDiagnostic.MalformedNattRem },
        { "NAT-T addresses on an SA of no direction", Sa(extend: SeedNatT(Address(Local, port: 4500), Address(Peer, port: 4500))), Einval, PfKeyDiagnostic.BadSaDirection },
        { "NAT-T in both forms", Sa(flags: SaFlags.Outbound, extend: Both(NatT(2, 4500, 4500), (ref PfKeyMessageWriter w) =>
            {
                Assert.True(w.TryAddAddress(ExtensionType.AddressNattLoc, Address(Local, port: 4500)));
                Assert.True(w.TryAddAddress(ExtensionType.AddressNattRem, Address(Peer, port: 4500)));
            })), Einval, PfKeyDiagnostic.DuplicateNattPorts },
        { "a public NATT_LOC address the SA cannot keep", Sa(flags: SaFlags.Outbound, extend: SeedNatT(Address(Elsewhere, port: 4500), Address(Peer, port: 4500))), PfKeyErrno.OperationNotSupported, PfKeyDiagnostic.None },

        // X_PROMISC (af_key.c's pfkey_promisc): the base header alone switches with SA type 1 or 0.
        { "PROMISC switched with SA type ESP", Build(MessageType.Promisc, SaType.Esp, 1), Einval, PfKeyDiagnostic.None },
        { "PROMISC switched with an unknown SA type", Build(MessageType.Promisc, (SaType)4, 1), Einval, PfKeyDiagnostic.UnknownSaType },

        // Extended REGISTER (the seed's EREG).
        { "extended REGISTER with a base SA type", ExtendedRegister(SaType.Esp, SaType.Ah), Einval, PfKeyDiagnostic.None },
        { "extended REGISTER of no SA type", ExtendedRegister(SaType.Unspecified), Einval, PfKeyDiagnostic.SaTypeNeeded },
        { "extended REGISTER of a type without a database", ExtendedRegister(SaType.Unspecified, SaType.Esp, SaType.Rsvp), Einval, PfKeyDiagnostic.NoSadbs },

        // X_INVERSE_ACQUIRE (the seed).
        { "INVERSE_ACQUIRE without SRC", InverseAcquire(null, Address(Peer)), Einval, PfKeyDiagnostic.MissingSrc },
        { "INVERSE_ACQUIRE without DST", InverseAcquire(Address(Local), null), Einval, PfKeyDiagnostic.MissingDst },
        { "INVERSE_ACQUIRE where the policy bypasses", InverseAcquire(Address(Local), Address(Peer)), PfKeyErrno.NoEntry, PfKeyDiagnostic.None },
        { "INVERSE_ACQUIRE where no policy applies", InverseAcquire(Address(Peer), Address(Local)), PfKeyErrno.NoEntry, PfKeyDiagnostic.None },

        // GETSPI ranges (RFC 4303 §2.1, RFC 3173 §2.2).
        { "GETSPI range upside down", GetSpi(0x2000, 0x1000), Einval, PfKeyDiagnostic.MalformedRange },
        { "GETSPI range of reserved SPIs only", GetSpi(1, 255), Einval, PfKeyDiagnostic.MalformedRange },
        { "GETSPI of a CPI above 16 bits", GetSpi(0x10000, 0x20000, SaType.IpComp), Einval, PfKeyDiagnostic.MalformedRange },

        // Messages this step does not handle yet.
        { "REGISTER for an SA type without a database", Build(MessageType.Register, SaType.Rsvp, 1), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.NoSadbs },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void ARefusedRequestGetsItsErrorAndChangesNothing(string rule, byte[] request, PfKeyErrno errno, PfKeyDiagnostic diagnostic)
    {
        var harness = new ServiceHarness();
        harness.Succeeds(EspAdd(0x7000));
        harness.Succeeds(Build(MessageType.SpdAdd, SaType.Unspecified, 1, (ref PfKeyMessageWriter w) =>
        {
            Assert.True(w.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
            Assert.True(w.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
            Assert.True(w.TryAddPolicy(new PolicyHeader(IpsecPolicyType.None, IpsecDirection.Outbound, 0, 0), []));
        }));
        long sadGeneration = harness.Engine.States.Generation;
        long spdGeneration = harness.Engine.Policies.Generation;

        harness.Fails(request, errno, diagnostic);

        Assert.True(harness.Engine.States.Count == 1, rule);
        Assert.Equal(1, harness.Engine.Policies.Count);
        Assert.Equal(sadGeneration, harness.Engine.States.Generation);
        Assert.Equal(spdGeneration, harness.Engine.Policies.Generation);
    }

    [Fact]
    public void AnExhaustedSpiRangeIsNoEntry()
    {
        var harness = new ServiceHarness();
        harness.Succeeds(GetSpi(0x1000, 0x1000));
        harness.Fails(GetSpi(0x1000, 0x1000), PfKeyErrno.NoEntry, PfKeyDiagnostic.None);
        Assert.Equal(1, harness.Engine.States.Count);
    }

    [Fact]
    public void APrefixLongerThanTheFamilyIsRefusedByTheParserAsMalformed()
    {
        byte[] request = GetSpi(0x1000, 0x2000);
        request[16 + 5] = 33; // SRC is the first extension; its prefix length is at byte 5.
        new ServiceHarness().Fails(request, Einval, PfKeyDiagnostic.MalformedSrc);
    }

    [Fact]
    public void AMalformedExtensionIsAnsweredWithTheParsersError()
    {
        byte[] request = GetSpi(0x1000, 0x2000);
        request[16 + 8] = 99; // SRC's sockaddr family: neither AF_INET nor AF_INET6.
        PfKeyError expected = PfKeyErrors.For(PfKeyParseError.BadAddressFamily, ExtensionType.AddressSrc);
        Assert.Equal(PfKeyDiagnostic.BadSrcAf, expected.Diagnostic);
        new ServiceHarness().Fails(request, expected.Errno, expected.Diagnostic);
    }

    [Fact]
    public void AnUnknownSaTypeOrAnExtensionOfTypeZeroIsAnsweredWithItsDiagnostic()
    {
        byte[] unknownSaType = Build(MessageType.Flush, (SaType)42, 6);
        var harness = new ServiceHarness();
        harness.Fails(unknownSaType, Einval, PfKeyDiagnostic.UnknownSaType);
        Assert.Equal(SaType.Unspecified, Parse(harness.Sender.Received[^1]).Header.SaType);

        byte[] typeZero = Build(MessageType.Flush, SaType.Unspecified, 6, (ref PfKeyMessageWriter w) => Assert.True(w.TryAddPair(new PairExtension(1))));
        typeZero[16 + 2] = 0; // The extension's type, low byte (host order); PAIR is 39.
        new ServiceHarness().Fails(typeZero, Einval, PfKeyDiagnostic.UnknownExt);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void ABaseHeaderTooBadToAnswerGetsNoReplyButTheResult(int length)
    {
        byte[] request = Build(MessageType.Flush, SaType.Unspecified, 6);
        if (length == 16)
        {
            request[6] = 3; // sadb_msg_reserved must be zero from a client.
        }

        var harness = new ServiceHarness();
        PfKeyResult result = harness.Service.Process(harness.Sender.Client, request.AsSpan(0, length));

        PfKeyError expected = PfKeyErrors.For(length == 16 ? PfKeyParseError.ReservedNotZero : PfKeyParseError.TooShort);
        Assert.Equal(new PfKeyResult(expected.Errno, expected.Diagnostic, Unanswered: true), result);
        Assert.Equal(length == 16 ? PfKeyErrno.InvalidArgument : PfKeyErrno.MessageSize, result.Errno);
        Assert.Empty(harness.Sender.Received);
        Assert.Empty(harness.Other.Received);
    }

    [Fact]
    public void AnErrorReplyNeverGoesToOtherClients()
    {
        var harness = new ServiceHarness();
        harness.Fails(Sa(), Einval, PfKeyDiagnostic.MissingEKey); // Fails asserts Other received nothing.
        Assert.Empty(harness.Other.Received);
    }
}

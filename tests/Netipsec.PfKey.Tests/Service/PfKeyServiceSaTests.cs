using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;
using CoreSaState = Netipsec.States.SaState;
using SaFlags = Netipsec.PfKey.Wire.SaFlags;
using SaState = Netipsec.PfKey.Wire.SaState;

namespace Netipsec.PfKey.Tests.Service;

public sealed class PfKeyServiceSaTests
{
    private readonly ServiceHarness _harness = new();

    [Fact]
    public void AddInstallsTheSaAndTellsEveryClientWithoutKeys()
    {
        _harness.Succeeds(EspAdd(0x1000, sequence: 9, extend: (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 0, 77)));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeSoft, new LifetimeExtension(10, 1000, 60, 30)));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(20, 2000, 120, 60)));
        }));

        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, 0x1000, IpsecProtocol.Esp), out SecurityAssociation? sa));
        Assert.Equal(CoreSaState.Mature, sa!.State);
        Assert.Equal(XfrmMode.Tunnel, sa.Mode);
        Assert.Equal(77u, sa.ReqId);
        Assert.Equal(Local, sa.Source);
        Assert.Equal(32, sa.ReplayWindowSize);
        Assert.Equal(new LifetimeLimits(1000, 10, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30)), sa.SoftLimits);
        Assert.Equal(new LifetimeLimits(2000, 20, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60)), sa.HardLimits);
        Assert.Equal(GcmKey, sa.Encryption!.Key.ToArray());

        byte[] reply = Assert.Single(_harness.Sender.Received);
        Assert.Equal(reply, Assert.Single(_harness.Other.Received));
        PfKeyMessage parsed = Parse(reply);
        Assert.Equal(new PfKeyHeader(MessageType.Add, SaType.Esp, 9, 4242), parsed.Header);
        Assert.True(parsed.TryGetSa(out SaExtension replySa));
        Assert.Equal(new SaExtension(0x1000, 32, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, SaFlags.None), replySa);
        Assert.True(parsed.TryGetSa2(out Sa2Extension sa2));
        Assert.Equal(new Sa2Extension(IpsecMode.Tunnel, 0, 77), sa2);
        Assert.True(parsed.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension hard));
        Assert.Equal(new LifetimeExtension(20, 2000, 120, 60), hard);
        Assert.True(parsed.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(Peer, destination.Sockaddr.Address);
        Assert.False(parsed.Contains(ExtensionType.KeyEncrypt));
        Assert.False(parsed.Contains(ExtensionType.KeyAuth));
    }

    [Fact]
    public void AddOfATakenSpiIsExists()
    {
        _harness.Succeeds(EspAdd(0x1000));
        _harness.Fails(EspAdd(0x1000), PfKeyErrno.Exists, PfKeyDiagnostic.None);
        Assert.Equal(1, _harness.Engine.States.Count);
    }

    [Fact]
    public void AddOfAnAlgorithmTheTransformLacksIsEncrNotSupp()
    {
        // AES-CBC with AES-XCBC-MAC is a valid PF_KEY SA, but no engine shipped so far implements XCBC.
        byte[] request = Build(MessageType.Add, SaType.Esp, 1, (ref PfKeyMessageWriter writer) =>
        {
            AddIdentity(ref writer, 0x1000, AuthAlgorithm.AesXcbcMac, EncryptAlgorithm.AesCbc);
            Assert.True(writer.TryAddKey(ExtensionType.KeyAuth, new KeyExtension(new byte[16])));
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(new byte[16])));
        });

        _harness.Fails(request, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.EncrNotSupp);
        Assert.Equal(0, _harness.Engine.States.Count);
    }

    [Fact]
    public void GetSpiReservesALarvalSaInTheRangeAndUpdateMakesItMature()
    {
        byte[] getSpi = Build(MessageType.GetSpi, SaType.Esp, 5, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
            Assert.True(writer.TryAddSpiRange(new SpiRangeExtension(0x2000, 0x2010)));
        });
        _harness.Succeeds(getSpi);

        byte[] reply = Assert.Single(_harness.Sender.Received);
        Assert.Equal(reply, Assert.Single(_harness.Other.Received));
        PfKeyMessage parsed = Parse(reply);
        Assert.Equal(MessageType.GetSpi, parsed.Header.Type);
        Assert.Equal(5u, parsed.Header.Sequence);
        Assert.True(parsed.TryGetSa(out SaExtension larval));
        Assert.InRange(larval.Spi, 0x2000u, 0x2010u);
        Assert.Equal(SaState.Larval, larval.State);
        Assert.True(parsed.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(Local, source.Sockaddr.Address);
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, larval.Spi, IpsecProtocol.Esp), out SecurityAssociation? reserved));
        Assert.Equal(CoreSaState.Larval, reserved!.State);

        _harness.Succeeds(EspAdd(larval.Spi, sequence: 5, type: MessageType.Update));

        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, larval.Spi, IpsecProtocol.Esp), out SecurityAssociation? mature));
        Assert.Equal(CoreSaState.Mature, mature!.State);
        PfKeyMessage updateReply = Parse(_harness.Other.Received[^1]);
        Assert.Equal(MessageType.Update, updateReply.Header.Type);
        Assert.True(updateReply.TryGetSa(out SaExtension updated));
        Assert.Equal(SaState.Mature, updated.State);
        Assert.False(updateReply.Contains(ExtensionType.KeyEncrypt));
    }

    [Fact]
    public void UpdateOfAnUnknownSpiIsSaNotFound() =>
        _harness.Fails(EspAdd(0x3000, type: MessageType.Update), PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);

    [Fact]
    public void UpdateOfAMatureSaChangesItsLifetimes()
    {
        _harness.Succeeds(EspAdd(0x1000));
        _harness.Succeeds(EspAdd(0x1000, type: MessageType.Update, extend: (ref PfKeyMessageWriter writer) =>
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(0, 0, 600, 0)))));

        _harness.Engine.States.Get(new SaId(Peer, 0x1000, IpsecProtocol.Esp), out SecurityAssociation? sa);
        Assert.Equal(TimeSpan.FromSeconds(600), sa!.HardLimits.AddExpiry);
    }

    [Fact]
    public void UpdateAnsweringAnAcquireMustCarryItsSequence()
    {
        var selector = new Selector(IpPrefix.Host(Local), IpPrefix.Host(Peer));
        var template = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport);
        Assert.True(_harness.Engine.States.Acquire(Local, Peer, selector, template, null, out uint acquireSequence));
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 0x4000, 0x4000, acquireSequence, out _));

        _harness.Fails(EspAdd(0x4000, sequence: acquireSequence + 1, type: MessageType.Update), PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
        _harness.Engine.States.Get(new SaId(Peer, 0x4000, IpsecProtocol.Esp), out SecurityAssociation? stillLarval);
        Assert.Equal(CoreSaState.Larval, stillLarval!.State);

        _harness.Succeeds(EspAdd(0x4000, sequence: acquireSequence, type: MessageType.Update));
        _harness.Engine.States.Get(new SaId(Peer, 0x4000, IpsecProtocol.Esp), out SecurityAssociation? mature);
        Assert.Equal(CoreSaState.Mature, mature!.State);
    }

    [Fact]
    public void UpdateOfALarvalSaFromAnotherSourceIsBadSrc()
    {
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.GetSpi(Peer, IpAddress.Parse("192.0.2.9"), IpsecProtocol.Esp, XfrmMode.Transport, 0, 0x5000, 0x5000, 0, out _));
        _harness.Fails(EspAdd(0x5000, type: MessageType.Update), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.BadSrc);
    }

    [Fact]
    public void GetSendsTheKeysToTheSenderOnly()
    {
        _harness.Succeeds(EspAdd(0x1000));
        int otherBefore = _harness.Other.Received.Count;

        _harness.Succeeds(ById(MessageType.Get, 0x1000, sequence: 3));

        Assert.Equal(otherBefore, _harness.Other.Received.Count);
        PfKeyMessage reply = Parse(_harness.Sender.Received[^1]);
        Assert.Equal(new PfKeyHeader(MessageType.Get, SaType.Esp, 3, 4242), reply.Header);
        Assert.True(reply.TryGetKey(ExtensionType.KeyEncrypt, out KeyExtension key));
        Assert.Equal(160, key.Bits);
        Assert.Equal(GcmKey, key.Key.ToArray());
        Assert.True(reply.TryGetLifetime(ExtensionType.LifetimeCurrent, out LifetimeExtension current));
        Assert.NotEqual(0ul, current.AddTime);
        Assert.True(reply.TryGetSa(out SaExtension sa));
        Assert.Equal(EncryptAlgorithm.AesGcmIcv16, sa.Encrypt);
    }

    [Theory]
    [InlineData(SaFlags.None, EspPadding.Sequential)]
    [InlineData(SaFlags.PaddingZero, EspPadding.Zero)]
    [InlineData(SaFlags.PaddingRandom, EspPadding.Random)]
    [InlineData(SaFlags.PaddingRandom | SaFlags.Esn | SaFlags.Pfs, EspPadding.Random)]
    public void PaddingFlagsInstallThePaddingModeAndComeBackInAddGetAndDump(SaFlags flags, EspPadding padding)
    {
        _harness.Succeeds(Build(MessageType.Add, SaType.Esp, 1, (ref PfKeyMessageWriter writer) =>
        {
            AddIdentity(ref writer, 0x1000, flags: flags);
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey)));
        }));

        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, 0x1000, IpsecProtocol.Esp), out SecurityAssociation? sa));
        Assert.Equal(padding, sa!.Padding);
        Assert.Equal((Netipsec.States.SaFlags)(uint)(flags & SaFlags.Pfs), sa.Flags); // the padding bits are not stored as flags
        Assert.True(Parse(_harness.Sender.Received[^1]).TryGetSa(out SaExtension added));
        Assert.Equal(flags, added.Flags);

        _harness.Succeeds(ById(MessageType.Get, 0x1000, sequence: 3));
        Assert.True(Parse(_harness.Sender.Received[^1]).TryGetSa(out SaExtension got));
        Assert.Equal(flags, got.Flags);

        _harness.Succeeds(Build(MessageType.Dump, SaType.Esp, 4));
        Assert.True(Parse(_harness.Sender.Received[^1]).TryGetSa(out SaExtension dumped));
        Assert.Equal(flags, dumped.Flags);
    }

    [Fact]
    public void AnUpdateMayNotChangeTheSasPadding()
    {
        _harness.Succeeds(EspAdd(0x1000));

        byte[] update = Build(MessageType.Update, SaType.Esp, 2, (ref PfKeyMessageWriter writer) =>
        {
            AddIdentity(ref writer, 0x1000, flags: SaFlags.PaddingZero);
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey)));
        });
        _harness.Fails(update, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.None); // a mature SA's keying is fixed

        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, 0x1000, IpsecProtocol.Esp), out SecurityAssociation? sa));
        Assert.Equal(EspPadding.Sequential, sa!.Padding);
    }

    [Fact]
    public void GetOfAnUnknownSaIsSaNotFound() =>
        _harness.Fails(ById(MessageType.Get, 0x1000), PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);

    [Fact]
    public void DeleteRemovesTheSaAndTellsEveryone()
    {
        _harness.Succeeds(EspAdd(0x1000));
        _harness.Succeeds(ById(MessageType.Delete, 0x1000, sequence: 4));

        Assert.Equal(0, _harness.Engine.States.Count);
        byte[] reply = _harness.Sender.Received[^1];
        Assert.Equal(reply, _harness.Other.Received[^1]);
        PfKeyMessage parsed = Parse(reply);
        Assert.Equal(MessageType.Delete, parsed.Header.Type);
        Assert.True(parsed.TryGetSa(out SaExtension sa));
        Assert.Equal(0x1000u, sa.Spi);
        Assert.False(parsed.Contains(ExtensionType.KeyEncrypt));

        _harness.Fails(ById(MessageType.Delete, 0x1000), PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
    }

    [Fact]
    public void FlushOfOneTypeKeepsTheOthers()
    {
        _harness.Succeeds(EspAdd(0x1000));
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.GetSpi(Peer, Local, IpsecProtocol.Ah, XfrmMode.Transport, 0, 0x6000, 0x6000, 0, out _));

        _harness.Succeeds(Build(MessageType.Flush, SaType.Ah, 8));

        Assert.Equal(1, _harness.Engine.States.Count);
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, 0x1000, IpsecProtocol.Esp), out _));
        byte[] reply = _harness.Other.Received[^1];
        Assert.Equal(16, reply.Length);
        Assert.Equal(new PfKeyHeader(MessageType.Flush, SaType.Ah, 8, 4242), Parse(reply).Header);

        _harness.Succeeds(Build(MessageType.Flush, SaType.Unspecified, 9));
        Assert.Equal(0, _harness.Engine.States.Count);
    }

    [Fact]
    public void DumpSendsEverySaToTheSenderWithSequencesCountingDownToZero()
    {
        _harness.Succeeds(EspAdd(0x1000));
        _harness.Succeeds(EspAdd(0x1001));
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.GetSpi(Peer, Local, IpsecProtocol.Ah, XfrmMode.Transport, 0, 0x6000, 0x6000, 0, out _));
        int senderBefore = _harness.Sender.Received.Count;
        int otherBefore = _harness.Other.Received.Count;

        _harness.Succeeds(Build(MessageType.Dump, SaType.Unspecified, 50));

        Assert.Equal(otherBefore, _harness.Other.Received.Count);
        List<byte[]> dump = _harness.Sender.Received[senderBefore..];
        Assert.Equal(3, dump.Count);
        var spis = new List<uint>();
        for (int i = 0; i < dump.Count; i++)
        {
            PfKeyMessage entry = Parse(dump[i]);
            Assert.Equal(MessageType.Dump, entry.Header.Type);
            Assert.Equal((uint)(dump.Count - 1 - i), entry.Header.Sequence);
            Assert.True(entry.TryGetSa(out SaExtension sa));
            spis.Add(sa.Spi);
            Assert.Equal(sa.Spi == 0x6000 ? SaType.Ah : SaType.Esp, entry.Header.SaType);
            Assert.Equal(sa.Spi != 0x6000, entry.Contains(ExtensionType.KeyEncrypt));
        }

        Assert.Equal([0x1000u, 0x1001u, 0x6000u], spis.Order());
    }

    [Fact]
    public void DumpOfOneTypeListsOnlyThatType()
    {
        _harness.Succeeds(EspAdd(0x1000));
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.GetSpi(Peer, Local, IpsecProtocol.Ah, XfrmMode.Transport, 0, 0x6000, 0x6000, 0, out _));
        int before = _harness.Sender.Received.Count;

        _harness.Succeeds(Build(MessageType.Dump, SaType.Ah, 1));

        PfKeyMessage entry = Parse(Assert.Single(_harness.Sender.Received[before..]));
        Assert.Equal(0u, entry.Header.Sequence);
        Assert.True(entry.TryGetSa(out SaExtension sa));
        Assert.Equal(0x6000u, sa.Spi);
    }

    [Fact]
    public void DumpOfAnEmptyDatabaseIsNoEntry() =>
        _harness.Fails(Build(MessageType.Dump, SaType.Unspecified, 1), PfKeyErrno.NoEntry, PfKeyDiagnostic.None);

    [Fact]
    public void NatTraversalExtensionsBecomeTheSasEncapsulationAndComeBack()
    {
        IpAddress original = IpAddress.Parse("10.0.0.5");
        _harness.Succeeds(EspAdd(0x1000, extend: (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddNatTType(new NatTTypeExtension(2)));
            Assert.True(writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(4500)));
            Assert.True(writer.TryAddNatTPort(ExtensionType.NatTDport, new NatTPortExtension(14500)));
            Assert.True(writer.TryAddAddress(ExtensionType.NatTOa, Address(original)));
        }));

        _harness.Engine.States.Get(new SaId(Peer, 0x1000, IpsecProtocol.Esp), out SecurityAssociation? sa);
        Assert.Equal(new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 14500, original), sa!.NatTraversal);

        PfKeyMessage reply = Parse(_harness.Other.Received[^1]);
        Assert.True(reply.TryGetNatTType(out NatTTypeExtension type));
        Assert.Equal(2, type.Type);
        Assert.True(reply.TryGetNatTPort(ExtensionType.NatTDport, out NatTPortExtension port));
        Assert.Equal(14500, port.Port);
        Assert.True(reply.TryGetAddress(ExtensionType.NatTOa, out AddressExtension oa));
        Assert.Equal(original, oa.Sockaddr.Address);
    }

    [Fact]
    public void InnerSelectorAndPairComeBackInGet()
    {
        _harness.Succeeds(EspAdd(0x1000, extend: (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 0, 1)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerSrc, Address(IpAddress.Parse("10.1.0.0"), 16, 6, 0)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerDst, Address(IpAddress.Parse("10.2.0.0"), 16, 6, 443)));
            Assert.True(writer.TryAddPair(new PairExtension(0x2000)));
        }));

        _harness.Engine.States.Get(new SaId(Peer, 0x1000, IpsecProtocol.Esp), out SecurityAssociation? sa);
        Assert.Equal(0x2000u, sa!.PairSpi);
        Assert.Equal(IpProtocol.Tcp, sa.InnerSelector!.Protocol);
        Assert.Equal(443, sa.InnerSelector.DestinationPort);

        _harness.Succeeds(ById(MessageType.Get, 0x1000));
        PfKeyMessage reply = Parse(_harness.Sender.Received[^1]);
        Assert.True(reply.TryGetAddress(ExtensionType.AddressInnerDst, out AddressExtension innerDestination));
        Assert.Equal(new AddressExtension(6, 16, new Sockaddr(IpAddress.Parse("10.2.0.0"), 443)), innerDestination);
        Assert.True(reply.TryGetPair(out PairExtension pair));
        Assert.Equal(0x2000u, pair.Spi);
    }

    [Fact]
    public void IpcompSaCarriesItsCompressionAlgorithmInTheEncryptField()
    {
        // The replay field of 32 means nothing to IPComp and is dropped; the encrypt field names the compression.
        byte[] request = Build(MessageType.Add, SaType.IpComp, 1, (ref PfKeyMessageWriter writer) =>
            AddIdentity(ref writer, 0x100, AuthAlgorithm.None, (EncryptAlgorithm)CompressAlgorithm.Deflate));
        _harness.Succeeds(request);

        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, 0x100, IpsecProtocol.IpComp), out SecurityAssociation? sa));
        Assert.Equal((byte)CompressAlgorithm.Deflate, sa!.Compression!.Id);
        Assert.Equal(0, sa.ReplayWindowSize);
    }

    [Fact]
    public void NoMessageToAnotherClientEverCarriesKeys()
    {
        byte[] getSpi = Build(MessageType.GetSpi, SaType.Esp, 1, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
            Assert.True(writer.TryAddSpiRange(new SpiRangeExtension(0x2000, 0x2000)));
        });
        _harness.Succeeds(getSpi);
        _harness.Succeeds(EspAdd(0x2000, type: MessageType.Update));
        _harness.Succeeds(EspAdd(0x1000));
        _harness.Succeeds(EspAdd(0x1000, type: MessageType.Update));
        _harness.Succeeds(ById(MessageType.Get, 0x1000));
        _harness.Succeeds(Build(MessageType.Dump, SaType.Unspecified, 1));
        _harness.Succeeds(ById(MessageType.Delete, 0x1000));
        _harness.Succeeds(Build(MessageType.Flush, SaType.Unspecified, 1));

        Assert.Equal(6, _harness.Other.Received.Count);
        foreach (byte[] message in _harness.Other.Received)
        {
            PfKeyMessage parsed = Parse(message);
            Assert.False(parsed.Contains(ExtensionType.KeyAuth));
            Assert.False(parsed.Contains(ExtensionType.KeyEncrypt));
        }

        // The sender did get them, in GET and in both DUMP messages.
        int withKeys = 0;
        foreach (byte[] message in _harness.Sender.Received)
        {
            withKeys += Parse(message).Contains(ExtensionType.KeyEncrypt) ? 1 : 0;
        }

        Assert.Equal(3, withKeys);
    }

    [Fact]
    public void AnIpv6SaRoundTripsThroughAddAndGet()
    {
        IpAddress peerV6 = IpAddress.Parse("2001:db8::2");
        byte[] add = Build(MessageType.Add, SaType.Esp, 1, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(0x1000, 64, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv12, SaFlags.Outbound)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(LocalV6)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(peerV6)));
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey)));
        });
        _harness.Succeeds(add);

        byte[] get = Build(MessageType.Get, SaType.Esp, 2, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(0x1000, 0, SaState.Larval, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(LocalV6)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(peerV6)));
        });
        _harness.Succeeds(get);

        PfKeyMessage reply = Parse(_harness.Sender.Received[^1]);
        Assert.True(reply.TryGetSa(out SaExtension sa));
        Assert.Equal(new SaExtension(0x1000, 64, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv12, SaFlags.Outbound), sa);
        Assert.True(reply.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(new AddressExtension(0, 128, new Sockaddr(LocalV6)), source);
        Assert.True(reply.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(peerV6, destination.Sockaddr.Address);
    }

    [Fact]
    public void ADetachedClientGetsNothing()
    {
        _harness.Service.Detach(_harness.Other.Client);
        _harness.Succeeds(EspAdd(0x1000));
        Assert.Empty(_harness.Other.Received);
        Assert.Single(_harness.Sender.Received);
    }
}

using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.States;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;
using SaFlags = Netipsec.PfKey.Wire.SaFlags;
using SaState = Netipsec.PfKey.Wire.SaState;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>The seed's SA pairs: linked by a PAIR extension on ADD, then updated and deleted together.</summary>
public sealed class PfKeyServicePairTests
{
    private readonly ServiceHarness _harness = new();

    /// <summary>Outbound 0x1000 (Local → Peer) paired with inbound 0x2000 (Peer → Local).</summary>
    private void AddPair()
    {
        _harness.Succeeds(EspAdd(0x1000, extend: (ref PfKeyMessageWriter writer) => Assert.True(writer.TryAddPair(new PairExtension(0x2000)))));
        _harness.Succeeds(Build(MessageType.Add, SaType.Esp, 1, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(0x2000, 32, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, SaFlags.None)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Peer)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Local)));
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey)));
            Assert.True(writer.TryAddPair(new PairExtension(0x1000)));
        }));
    }

    private static byte[] UpdatePair(uint spi, LifetimeExtension soft, LifetimeExtension hard) =>
        Build(MessageType.UpdatePair, SaType.Esp, 2, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(spi, 0, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeSoft, soft));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, hard));
        });

    private SecurityAssociation Sa(IpAddress destination, uint spi)
    {
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(destination, spi, IpsecProtocol.Esp), out SecurityAssociation? sa));
        return sa!;
    }

    [Fact]
    public void UpdatePairGivesBothSasTheNewLifetimesAndTellsEveryone()
    {
        AddPair();

        _harness.Succeeds(UpdatePair(0x1000, new LifetimeExtension(0, 0, 300, 0), new LifetimeExtension(0, 0, 600, 0)));

        Assert.Equal(TimeSpan.FromSeconds(600), Sa(Peer, 0x1000).HardLimits.AddExpiry);
        Assert.Equal(TimeSpan.FromSeconds(600), Sa(Local, 0x2000).HardLimits.AddExpiry);
        Assert.Equal(TimeSpan.FromSeconds(300), Sa(Local, 0x2000).SoftLimits.AddExpiry);
        PfKeyMessage reply = Parse(_harness.Other.Received[^1]);
        Assert.Equal(MessageType.UpdatePair, reply.Header.Type);
        Assert.True(reply.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension hard));
        Assert.Equal(600ul, hard.AddTime);
        Assert.False(reply.Contains(ExtensionType.KeyEncrypt));
    }

    [Fact]
    public void DelPairDeletesBothSas()
    {
        AddPair();

        _harness.Succeeds(ById(MessageType.DelPair, 0x1000));

        Assert.Equal(0, _harness.Engine.States.Count);
        Assert.Equal(MessageType.DelPair, Parse(_harness.Other.Received[^1]).Header.Type);
    }

    [Fact]
    public void PairOperationsOnAnUnpairedSaAreRefusedAndChangeNothing()
    {
        _harness.Succeeds(EspAdd(0x1000));

        _harness.Fails(ById(MessageType.DelPair, 0x1000), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.PairInappropriate);
        _harness.Fails(UpdatePair(0x1000, default, new LifetimeExtension(0, 0, 600, 0)), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.PairInappropriate);

        Assert.Equal(1, _harness.Engine.States.Count);
        Assert.Equal(TimeSpan.Zero, Sa(Peer, 0x1000).HardLimits.AddExpiry);
    }

    [Fact]
    public void PairOperationsWhoseSecondSaIsMissingArePairSaNotFound()
    {
        _harness.Succeeds(EspAdd(0x1000, extend: (ref PfKeyMessageWriter writer) => Assert.True(writer.TryAddPair(new PairExtension(0x2000)))));

        _harness.Fails(ById(MessageType.DelPair, 0x1000), PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.PairSaNotFound);
        _harness.Fails(UpdatePair(0x1000, default, new LifetimeExtension(0, 0, 600, 0)), PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.PairSaNotFound);
        Assert.Equal(1, _harness.Engine.States.Count);
    }

    [Fact]
    public void PairOperationsOnAnUnknownSaAreSaNotFound()
    {
        _harness.Fails(ById(MessageType.DelPair, 0x1000), PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
        _harness.Fails(UpdatePair(0x1000, default, default), PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);
    }

    [Fact]
    public void UpdatePairNeedsBothLifetimes() =>
        _harness.Fails(
            Build(MessageType.UpdatePair, SaType.Esp, 2, (ref PfKeyMessageWriter writer) =>
            {
                Assert.True(writer.TryAddSa(new SaExtension(0x1000, 0, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None)));
                Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
                Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
                Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, default));
            }),
            PfKeyErrno.InvalidArgument,
            PfKeyDiagnostic.NoExt);

    [Fact]
    public void UpdatePairOfALarvalSaIsBadSaState()
    {
        // A larval SA (GETSPI) that already names a pair: installed straight through the SAD.
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.GetSpi(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0, 0x1000, 0x1000, 0, out _));
        _harness.Succeeds(Build(MessageType.Add, SaType.Esp, 1, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(0x2000, 32, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, SaFlags.None)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Peer)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Local)));
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey)));
            Assert.True(writer.TryAddPair(new PairExtension(0x1000)));
        }));

        byte[] request = Build(MessageType.UpdatePair, SaType.Esp, 2, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddSa(new SaExtension(0x2000, 0, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Peer)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Local)));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeSoft, default));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(0, 0, 600, 0)));
        });
        _harness.Fails(request, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.BadSaState);
        Assert.Equal(TimeSpan.Zero, Sa(Local, 0x2000).HardLimits.AddExpiry);
    }
}

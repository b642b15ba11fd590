using Netipsec.Packets;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;
using AlgorithmKind = Netipsec.PfKey.Wire.AlgorithmKind;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>The seed's extended REGISTER (EREG) and the extended ACQUIRE (EPROP) it asks for.</summary>
public sealed class PfKeyServiceExtendedRegisterTests
{
    private readonly ServiceHarness _harness = new();

    [Fact]
    public void AnExtendedRegisterRegistersEveryListedTypeAndAnswersOncePerType()
    {
        _harness.Succeeds(ExtendedRegister(SaType.Esp, SaType.Ah, SaType.Esp));

        Assert.Equal(2, _harness.Sender.Received.Count);
        PfKeyMessage esp = Parse(_harness.Sender.Received[0]);
        PfKeyMessage ah = Parse(_harness.Sender.Received[1]);
        Assert.Equal((MessageType.Register, SaType.Esp, 7u), (esp.Header.Type, esp.Header.SaType, esp.Header.Sequence));
        Assert.True(esp.Contains(ExtensionType.SupportedEncrypt));
        Assert.Equal((MessageType.Register, SaType.Ah), (ah.Header.Type, ah.Header.SaType));
        Assert.False(ah.Contains(ExtensionType.SupportedEncrypt));
        Assert.True(_harness.Sender.Client.IsExtendedRegisteredFor(SaType.Esp));
        Assert.True(_harness.Sender.Client.IsExtendedRegisteredFor(SaType.Ah));
        Assert.False(_harness.Sender.Client.IsRegisteredFor(SaType.IpComp));
    }

    [Fact]
    public void ATypeRegisteredAlreadyRefusesTheWholeListWithExists()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 1));

        _harness.Fails(ExtendedRegister(SaType.Ah, SaType.Esp), PfKeyErrno.Exists, PfKeyDiagnostic.None);

        Assert.False(_harness.Sender.Client.IsRegisteredFor(SaType.Ah));
        Assert.False(_harness.Sender.Client.IsExtendedRegisteredFor(SaType.Esp));
    }

    [Fact]
    public void AnExtendedClientGetsTheExtendedAcquireAndAPlainOneThePlainAcquire()
    {
        _harness.Succeeds(ExtendedRegister(SaType.Esp));
        Assert.Equal(PfKeyResult.Success, _harness.Service.Process(_harness.Other.Client, Build(MessageType.Register, SaType.Esp, 1)));
        _harness.Sender.Received.Clear();
        _harness.Other.Received.Clear();

        var template = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel)
        {
            TunnelSource = Local,
            TunnelDestination = Peer,
            AllowedEncryptAlgorithms = (1UL << 12) | (1UL << 20), // AES-CBC, AES-GCM-16.
            AllowedAuthAlgorithms = 1UL << 5, // HMAC-SHA-256.
        };
        var selector = new Selector(IpPrefix.Parse("10.1.0.0/16"), IpPrefix.Parse("10.2.0.0/16"));
        Assert.True(_harness.Engine.States.Acquire(Local, Peer, selector, template, null, out _));

        PfKeyMessage plain = Parse(Assert.Single(_harness.Other.Received));
        Assert.Equal(SaType.Esp, plain.Header.SaType);
        Assert.True(plain.Contains(ExtensionType.Proposal));

        PfKeyMessage extended = Parse(Assert.Single(_harness.Sender.Received));
        Assert.Equal(MessageType.Acquire, extended.Header.Type);
        Assert.Equal(SaType.Unspecified, extended.Header.SaType);
        Assert.Equal(plain.Header.Sequence, extended.Header.Sequence);
        Assert.False(extended.Contains(ExtensionType.Proposal));
        Assert.True(extended.TryGetAddress(ExtensionType.AddressInnerSrc, out AddressExtension innerSource));
        Assert.Equal(16, innerSource.PrefixLength);
        List<List<AlgorithmDescriptor>> combinations = EpropReading.Combinations(extended, out byte replay);
        Assert.Equal(32, replay);
        Assert.Equal(
            [
                [new AlgorithmDescriptor(SaType.Esp, AlgorithmKind.Crypt, 12, 128, 256), new AlgorithmDescriptor(SaType.Esp, AlgorithmKind.Auth, 5, 256, 256)],
                [new AlgorithmDescriptor(SaType.Esp, AlgorithmKind.Crypt, 20, 128, 256)],
            ],
            combinations);
    }

    private static byte[] ExtendedRegister(params SaType[] types) =>
        Build(MessageType.Register, SaType.Unspecified, 7, (ref PfKeyMessageWriter writer) => Assert.True(writer.TryAddEreg(new EregExtension(types))));
}

using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;
using AlgorithmKind = Netipsec.PfKey.Wire.AlgorithmKind;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>SADB_X_INVERSE_ACQUIRE: the seed's query of the SPD, answered like an extended ACQUIRE.</summary>
public sealed class PfKeyServiceInverseAcquireTests
{
    private const ulong Gcm16 = 1UL << 20;
    private const ulong HmacSha256 = 1UL << 5;

    private static readonly IpAddress InnerLocal = IpAddress.Parse("10.1.0.5");
    private static readonly IpAddress InnerPeer = IpAddress.Parse("10.2.0.7");

    private readonly ServiceHarness _harness = new();

    [Fact]
    public void TheOutboundPolicysTemplatesComeBackAsOneCombinationPerBundleChoice()
    {
        AddOutboundPolicy(
            new Selector(IpPrefix.Host(Local), IpPrefix.Host(Peer)),
            new PolicyTemplate(IpsecProtocol.Ah, XfrmMode.Transport) { AllowedAuthAlgorithms = HmacSha256 },
            new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport) { AllowedEncryptAlgorithms = Gcm16, AllowedAuthAlgorithms = 0 },
            new PolicyTemplate(IpsecProtocol.IpComp, XfrmMode.Transport));

        _harness.Succeeds(Query(Address(Local), Address(Peer)));

        PfKeyMessage reply = Parse(Assert.Single(_harness.Sender.Received));
        Assert.Empty(_harness.Other.Received);
        Assert.Equal((MessageType.InverseAcquire, SaType.Unspecified, 9u), (reply.Header.Type, reply.Header.SaType, reply.Header.Sequence));
        Assert.True(reply.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(Peer, destination.Sockaddr.Address);
        List<AlgorithmDescriptor> only = Assert.Single(EpropReading.Combinations(reply, out _));
        Assert.Equal(
            [
                new AlgorithmDescriptor(SaType.Ah, AlgorithmKind.Auth, 5, 256, 256),
                new AlgorithmDescriptor(SaType.Esp, AlgorithmKind.Crypt, 20, 128, 256),
                new AlgorithmDescriptor(SaType.IpComp, AlgorithmKind.Compress, (byte)CompressAlgorithm.Deflate, 0, 0),
            ],
            only);
    }

    [Fact]
    public void InnerAddressesSelectTheTrafficAndAreEchoed()
    {
        AddOutboundPolicy(
            new Selector(IpPrefix.Parse("10.1.0.0/16"), IpPrefix.Parse("10.2.0.0/16")),
            new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = Local, TunnelDestination = Peer, AllowedEncryptAlgorithms = Gcm16 });

        _harness.Succeeds(Query(Address(Local), Address(Peer), Address(InnerLocal), Address(InnerPeer)));

        PfKeyMessage reply = Parse(Assert.Single(_harness.Sender.Received));
        Assert.True(reply.TryGetAddress(ExtensionType.AddressInnerSrc, out AddressExtension innerSource));
        Assert.Equal(InnerLocal, innerSource.Sockaddr.Address);
        Assert.Equal([new AlgorithmDescriptor(SaType.Esp, AlgorithmKind.Crypt, 20, 128, 256)], Assert.Single(EpropReading.Combinations(reply, out _)));
    }

    [Fact]
    public void ABundleOfManyChoicesIsCutToTheMostPreferredAndStaysParseable()
    {
        AddOutboundPolicy(
            new Selector(IpPrefix.Host(Local), IpPrefix.Host(Peer)),
            new PolicyTemplate(IpsecProtocol.Ah, XfrmMode.Transport),
            new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport));

        _harness.Succeeds(Query(Address(Local), Address(Peer)));

        List<List<AlgorithmDescriptor>> combinations = EpropReading.Combinations(Parse(Assert.Single(_harness.Sender.Received)), out _);
        Assert.Equal(PfKey.Service.ExtendedProposal.MaxCombinations, combinations.Count);
        Assert.All(combinations, c => Assert.Equal(SaType.Ah, c[0].SaType));
        Assert.All(combinations, c => Assert.Equal(combinations[0][0], c[0])); // The first template's first choice turns slowest.
    }

    private void AddOutboundPolicy(Selector selector, params PolicyTemplate[] templates) =>
        Assert.Equal(SpdStatus.Ok, _harness.Engine.Policies.Add(new SecurityPolicy(PolicyDirection.Out, selector, PolicyAction.Ipsec, templates)));

    private static byte[] Query(AddressExtension source, AddressExtension destination, AddressExtension? innerSource = null, AddressExtension? innerDestination = null) =>
        Build(MessageType.InverseAcquire, SaType.Unspecified, 9, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, source));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, destination));
            if (innerSource is { } s && innerDestination is { } d)
            {
                Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerSrc, s));
                Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerDst, d));
            }
        });
}

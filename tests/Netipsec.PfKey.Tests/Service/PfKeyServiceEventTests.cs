using Netipsec.Packets;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;
using CoreSaState = Netipsec.States.SaState;

namespace Netipsec.PfKey.Tests.Service;

public sealed class PfKeyServiceEventTests
{
    private const ulong AesCbcAndGcm16 = (1UL << 12) | (1UL << 20);
    private const ulong HmacSha256 = 1UL << 5;

    private readonly ManualClock _clock = new();
    private readonly ServiceHarness _harness;
    private readonly RecordingClient _unregistered = new(3);

    public PfKeyServiceEventTests()
    {
        _harness = new ServiceHarness(_clock);
        _harness.Service.Attach(_unregistered.Client);
    }

    [Fact]
    public void AcquireReachesOnlyClientsRegisteredForItsTypeWithSequencePortsAndProposal()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 1));
        Assert.Equal(PfKeyResult.Success, _harness.Service.Process(_harness.Other.Client, Build(MessageType.Register, SaType.Ah, 1)));
        int otherBefore = _harness.Other.Received.Count;
        int senderBefore = _harness.Sender.Received.Count;

        uint sequence = RaiseTransportAcquire(out SecurityPolicy policy);

        Assert.Equal(otherBefore, _harness.Other.Received.Count);
        Assert.Empty(_unregistered.Received);
        Assert.Equal(senderBefore + 1, _harness.Sender.Received.Count);
        PfKeyMessage acquire = Parse(_harness.Sender.Received[^1]);
        Assert.Equal(MessageType.Acquire, acquire.Header.Type);
        Assert.Equal(SaType.Esp, acquire.Header.SaType);
        Assert.Equal(sequence, acquire.Header.Sequence);
        Assert.Equal(0u, acquire.Header.Pid);
        Assert.True(acquire.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.True(acquire.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(new AddressExtension(6, 32, new Sockaddr(Local, 40000)), source);
        Assert.Equal(new AddressExtension(6, 32, new Sockaddr(Peer, 443)), destination);
        Assert.False(acquire.Contains(ExtensionType.AddressInnerSrc));

        Assert.True(acquire.TryGetProposal(out ProposalExtension proposal));
        Assert.Equal(32, proposal.ReplayWindow);
        Assert.Equal(2, proposal.Count);
        Combination cbc = proposal[0];
        Assert.Equal((AuthAlgorithm.Sha256Hmac, EncryptAlgorithm.AesCbc), (cbc.Auth, cbc.Encrypt));
        Assert.Equal((256, 256, 128, 256), ((int)cbc.AuthMinBits, (int)cbc.AuthMaxBits, (int)cbc.EncryptMinBits, (int)cbc.EncryptMaxBits));
        Assert.Equal((86400UL, 72000UL, 28800UL, 25200UL), (cbc.HardAddTime, cbc.SoftAddTime, cbc.HardUseTime, cbc.SoftUseTime));
        Combination gcm = proposal[1];
        Assert.Equal((AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16), (gcm.Auth, gcm.Encrypt));
        Assert.Equal((0, 128, 256), ((int)gcm.AuthMaxBits, (int)gcm.EncryptMinBits, (int)gcm.EncryptMaxBits));

        Assert.True(acquire.TryGetPolicy(out PolicyExtension policyExtension));
        Assert.Equal(policy.Index, policyExtension.Header.Id);
    }

    [Fact]
    public void AnAhAcquireProposesOnlyTheAllowedIntegrityAlgorithms()
    {
        Assert.Equal(PfKeyResult.Success, _harness.Service.Process(_harness.Other.Client, Build(MessageType.Register, SaType.Ah, 1)));
        var template = new PolicyTemplate(IpsecProtocol.Ah, XfrmMode.Transport) { AllowedAuthAlgorithms = HmacSha256 | (1UL << 3) };
        Assert.True(_harness.Engine.States.Acquire(Local, Peer, new Selector(IpPrefix.Host(Local), IpPrefix.Host(Peer)), template, null, out _));

        PfKeyMessage acquire = Parse(_harness.Other.Received[^1]);
        Assert.Equal(SaType.Ah, acquire.Header.SaType);
        List<Combination> combinations = Combinations(acquire);
        Assert.Equal([AuthAlgorithm.Sha1Hmac, AuthAlgorithm.Sha256Hmac], combinations.Select(c => c.Auth));
        Assert.All(combinations, c => Assert.Equal(EncryptAlgorithm.None, c.Encrypt));
        Assert.False(acquire.Contains(ExtensionType.Policy)); // No policy was given.
    }

    [Fact]
    public void ATunnelAcquireCarriesTheTrafficAsInnerAddresses()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 1));
        var selector = new Selector(IpPrefix.Parse("10.1.0.5/32"), IpPrefix.Parse("10.2.0.7/32")) { Protocol = IpProtocol.Udp }.WithPorts(5000, 53);
        var template = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = Local, TunnelDestination = Peer };
        Assert.True(_harness.Engine.States.Acquire(Local, Peer, selector, template, null, out _));

        PfKeyMessage acquire = Parse(_harness.Sender.Received[^1]);
        Assert.True(acquire.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(new AddressExtension(0, 32, new Sockaddr(Local)), source); // The SA's endpoint, written as af_key.c writes an SA's.
        Assert.True(acquire.TryGetAddress(ExtensionType.AddressInnerSrc, out AddressExtension innerSource));
        Assert.True(acquire.TryGetAddress(ExtensionType.AddressInnerDst, out AddressExtension innerDestination));
        Assert.Equal(new AddressExtension(17, 32, new Sockaddr(IpAddress.Parse("10.1.0.5"), 5000)), innerSource);
        Assert.Equal(new AddressExtension(17, 32, new Sockaddr(IpAddress.Parse("10.2.0.7"), 53)), innerDestination);
    }

    [Fact]
    public void AKeyManagerAnswersTheAcquireWithGetSpiAndUpdateCarryingItsSequence()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 1));
        RaiseTransportAcquire(out _);
        uint sequence = Parse(_harness.Sender.Received[^1]).Header.Sequence;

        _harness.Succeeds(Build(MessageType.GetSpi, SaType.Esp, sequence, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
            Assert.True(writer.TryAddSpiRange(new SpiRangeExtension(0x7000, 0x7fff)));
        }));
        Assert.True(Parse(_harness.Sender.Received[^1]).TryGetSa(out SaExtension larval));
        Assert.Null(_harness.Engine.States.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0));

        _harness.Succeeds(EspAdd(larval.Spi, sequence, type: MessageType.Update));

        SecurityAssociation? usable = _harness.Engine.States.FindOutbound(Peer, Local, IpsecProtocol.Esp, XfrmMode.Transport, 0);
        Assert.NotNull(usable);
        Assert.Equal(larval.Spi, usable.Spi);
        Assert.Equal(CoreSaState.Mature, usable.State);
    }

    [Fact]
    public void AFailureAcquireFromTheKeyManagerDropsTheAcquireStateSoTheNextPacketAsksAgain()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 1));
        uint sequence = RaiseTransportAcquire(out SecurityPolicy policy);
        int before = _harness.Sender.Received.Count;

        byte[] failure = Build(MessageType.Acquire, SaType.Esp, sequence);
        failure[2] = (byte)PfKeyErrno.NoEntry; // sadb_msg_errno: the negotiation found no acceptable proposal.
        _harness.Succeeds(failure);

        Assert.Equal(before, _harness.Sender.Received.Count); // Nothing is answered, as af_key.c answers nothing.
        Assert.Equal(0, _harness.Engine.States.Count);
        Assert.True(_harness.Engine.States.Acquire(Local, Peer, policy.Selector, policy.Templates[0], policy, out uint retried));
        Assert.Equal(retried, Parse(_harness.Sender.Received[^1]).Header.Sequence);
        Assert.Equal(MessageType.Acquire, Parse(_harness.Sender.Received[^1]).Header.Type);
    }

    [Fact]
    public void AFailureAcquireForNoPendingAcquireIsSaNotFoundAndAnAcquireWithoutErrnoIsInvalid()
    {
        byte[] failure = Build(MessageType.Acquire, SaType.Esp, 77);
        failure[2] = (byte)PfKeyErrno.NoEntry; // sadb_msg_errno: the negotiation found no acceptable proposal.
        _harness.Fails(failure, PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound);

        _harness.Fails(Build(MessageType.Acquire, SaType.Esp, 78), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.None);
    }

    [Fact]
    public void SoftThenHardLifetimeExpiryTellsEveryClientWithoutKeys()
    {
        _harness.Succeeds(EspAdd(0x1234, extend: (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeSoft, new LifetimeExtension(0, 0, 10, 0)));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(0, 0, 20, 0)));
        }));
        int before = _unregistered.Received.Count;

        _clock.Advance(TimeSpan.FromSeconds(11));
        _harness.Engine.RunExpiry();

        byte[] softMessage = Assert.Single(_unregistered.Received.Skip(before));
        Assert.Equal(softMessage, _harness.Sender.Received[^1]);
        Assert.Equal(softMessage, _harness.Other.Received[^1]);
        PfKeyMessage soft = Parse(softMessage);
        Assert.Equal(MessageType.Expire, soft.Header.Type);
        Assert.Equal(SaType.Esp, soft.Header.SaType);
        Assert.True(soft.TryGetSa(out SaExtension sa));
        Assert.Equal(0x1234u, sa.Spi);
        Assert.Equal(EncryptAlgorithm.AesGcmIcv16, sa.Encrypt);
        Assert.True(soft.TryGetLifetime(ExtensionType.LifetimeSoft, out LifetimeExtension softLimit));
        Assert.Equal(10UL, softLimit.AddTime);
        Assert.False(soft.Contains(ExtensionType.LifetimeHard));
        Assert.True(soft.TryGetLifetime(ExtensionType.LifetimeCurrent, out LifetimeExtension current));
        Assert.Equal((ulong)(_clock.GetUtcNow() - TimeSpan.FromSeconds(11)).ToUnixTimeSeconds(), current.AddTime);
        Assert.True(soft.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(Peer, destination.Sockaddr.Address);
        AssertNoKeys(softMessage);

        _clock.Advance(TimeSpan.FromSeconds(10));
        _harness.Engine.RunExpiry();

        PfKeyMessage hard = Parse(Assert.Single(_unregistered.Received.Skip(before + 1)));
        Assert.Equal(MessageType.Expire, hard.Header.Type);
        Assert.True(hard.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension hardLimit));
        Assert.Equal(20UL, hardLimit.AddTime);
        Assert.False(hard.Contains(ExtensionType.LifetimeSoft));
        AssertNoKeys(_unregistered.Received[^1]);
        Assert.Equal(SadStatus.NotFound, _harness.Engine.States.Get(new SaId(Peer, 0x1234, IpsecProtocol.Esp), out _));
    }

    [Fact]
    public void APolicyThatExpiresIsAnnouncedAsSpdExpireToEveryClient()
    {
        var policy = new SecurityPolicy(PolicyDirection.Out, new Selector(IpPrefix.Host(Local), IpPrefix.Host(Peer)), PolicyAction.Ipsec, [new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport)])
        {
            HardLimits = new LifetimeLimits(0, 0, TimeSpan.FromSeconds(30), TimeSpan.Zero),
        };
        Assert.Equal(SpdStatus.Ok, _harness.Engine.Policies.Add(policy));

        _clock.Advance(TimeSpan.FromSeconds(31));
        _harness.Engine.RunExpiry();

        byte[] message = Assert.Single(_unregistered.Received);
        Assert.Equal(message, Assert.Single(_harness.Sender.Received));
        PfKeyMessage expire = Parse(message);
        Assert.Equal(MessageType.SpdExpire, expire.Header.Type);
        Assert.Equal(0u, expire.Header.Sequence);
        Assert.True(expire.TryGetPolicy(out PolicyExtension extension));
        Assert.Equal(policy.Index, extension.Header.Id);
        Assert.Equal(IpsecDirection.Outbound, extension.Header.Direction);
        Assert.True(expire.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension hard));
        Assert.Equal(30UL, hard.AddTime);
    }

    private uint RaiseTransportAcquire(out SecurityPolicy policy)
    {
        var selector = new Selector(IpPrefix.Host(Local), IpPrefix.Host(Peer)) { Protocol = IpProtocol.Tcp }.WithPorts(40000, 443);
        var template = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Transport) { AllowedEncryptAlgorithms = AesCbcAndGcm16, AllowedAuthAlgorithms = HmacSha256 };
        policy = new SecurityPolicy(PolicyDirection.Out, new Selector(IpPrefix.Host(Local), IpPrefix.Host(Peer)), PolicyAction.Ipsec, [template]);
        Assert.Equal(SpdStatus.Ok, _harness.Engine.Policies.Add(policy));
        Assert.True(_harness.Engine.States.Acquire(Local, Peer, selector, template, policy, out uint sequence));
        return sequence;
    }

    private static List<Combination> Combinations(PfKeyMessage message)
    {
        Assert.True(message.TryGetProposal(out ProposalExtension proposal));
        var combinations = new List<Combination>();
        for (int i = 0; i < proposal.Count; i++)
        {
            combinations.Add(proposal[i]);
        }

        return combinations;
    }

    private static void AssertNoKeys(byte[] message)
    {
        PfKeyMessage parsed = Parse(message);
        Assert.False(parsed.Contains(ExtensionType.KeyAuth));
        Assert.False(parsed.Contains(ExtensionType.KeyEncrypt));
        Assert.Equal(-1, message.AsSpan().IndexOf(GcmKey.AsSpan(0, 16)));
    }
}

using Netipsec.PfKey.Service;
using Netipsec.PfKey.Wire;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>SADB_X_PROMISC as the seed and af_key.c's pfkey_promisc and pfkey_broadcast define it.</summary>
public sealed class PfKeyServicePromiscTests
{
    private readonly ServiceHarness _harness = new();

    [Fact]
    public void PromiscWithSaType1TurnsTheModeOnAndGoesToEveryClient()
    {
        byte[] on = Build(MessageType.Promisc, (SaType)1, 5);

        _harness.Succeeds(on);

        Assert.True(_harness.Sender.Client.IsPromiscuous);
        Assert.False(_harness.Other.Client.IsPromiscuous);
        Assert.Equal(on, Assert.Single(_harness.Other.Received));
        Assert.Equal([on, on], _harness.Sender.Received); // Promiscuous already, as af_key.c sets the mode first.
    }

    [Fact]
    public void APromiscuousClientSeesEveryRequestAndEveryReplyOfTheOthers()
    {
        Assert.Equal(PfKeyResult.Success, _harness.Service.Process(_harness.Other.Client, Build(MessageType.Promisc, (SaType)1, 1)));
        _harness.Other.Received.Clear();
        _harness.Sender.Received.Clear();

        byte[] get = ById(MessageType.Get, 0x4000, sequence: 2);
        _harness.Fails(get, PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound, promiscuousCopies: 2);

        // The request as sent, then the sender's error reply: neither goes to a plain client.
        Assert.Equal([get, _harness.Sender.Received[^1]], _harness.Other.Received);
    }

    [Fact]
    public void AnAddressedPromiscuousClientGetsTheMessageTwiceAsOnLinux()
    {
        Assert.Equal(PfKeyResult.Success, _harness.Service.Process(_harness.Other.Client, Build(MessageType.Promisc, (SaType)1, 1)));
        _harness.Other.Received.Clear();

        byte[] add = EspAdd(0x4001, sequence: 3);
        _harness.Succeeds(add);

        byte[] reply = _harness.Sender.Received[^1];
        Assert.Equal([add, reply, reply], _harness.Other.Received); // The request, the promiscuous copy, the copy to all.
    }

    [Fact]
    public void PromiscWithSaType0TurnsTheModeOff()
    {
        _harness.Succeeds(Build(MessageType.Promisc, (SaType)1, 1));
        _harness.Succeeds(Build(MessageType.Promisc, SaType.Unspecified, 2));
        int before = _harness.Sender.Received.Count;

        PfKeyResult missing = _harness.Service.Process(_harness.Other.Client, ById(MessageType.Get, 0x4000));

        Assert.Equal(PfKeyErrno.NoSuchEntity, missing.Errno);
        Assert.False(_harness.Sender.Client.IsPromiscuous);
        Assert.Equal(before, _harness.Sender.Received.Count);
    }

    [Fact]
    public void PromiscWithExtensionsIsRelayedToEveryClientAndLeavesTheModeAlone()
    {
        byte[] relayed = Build(MessageType.Promisc, SaType.Esp, 4, (ref PfKeyMessageWriter w) =>
            Assert.True(w.TryAddSa(new SaExtension(0x4002, 0, SaState.Larval, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None))));

        _harness.Succeeds(relayed);

        Assert.False(_harness.Sender.Client.IsPromiscuous);
        Assert.Equal(relayed, Assert.Single(_harness.Other.Received));
    }

    [Fact]
    public void ARefusedSwitchLeavesTheModeAsItWas()
    {
        _harness.Succeeds(Build(MessageType.Promisc, (SaType)1, 1));

        _harness.Fails(Build(MessageType.Promisc, SaType.Esp, 2), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.None, promiscuousCopies: 2);

        Assert.True(_harness.Sender.Client.IsPromiscuous);
    }

    [Fact]
    public void APromiscuousClientSeesEventsItIsNotRegisteredFor()
    {
        _harness.Succeeds(Build(MessageType.Register, SaType.Esp, 1));
        Assert.Equal(PfKeyResult.Success, _harness.Service.Process(_harness.Other.Client, Build(MessageType.Promisc, (SaType)1, 1)));
        _harness.Other.Received.Clear();

        var template = new Policies.PolicyTemplate(States.IpsecProtocol.Esp, States.XfrmMode.Transport);
        var selector = new Policies.Selector(Packets.IpPrefix.Host(Local), Packets.IpPrefix.Host(Peer));
        Assert.True(_harness.Engine.States.Acquire(Local, Peer, selector, template, null, out _));

        Assert.Equal(_harness.Sender.Received[^1], Assert.Single(_harness.Other.Received));
        Assert.Equal(MessageType.Acquire, Parse(_harness.Other.Received[0]).Header.Type);
    }
}

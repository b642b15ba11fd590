using Netipsec.PfKey.Wire;
using Netipsec.States;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;
using SaFlags = Netipsec.PfKey.Wire.SaFlags;
using SaState = Netipsec.PfKey.Wire.SaState;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>SADB_X_EXT_REPLAY_SEQ: an SA installed to continue from a sequence number, at both ends.</summary>
public sealed class PfKeyServiceReplaySequenceTests
{
    private const ulong NearWrap = 0xffff_fff0;

    private readonly ServiceHarness _harness = new();

    private static Extend Continue(ulong sequence) =>
        (ref PfKeyMessageWriter writer) => Assert.True(writer.TryAddReplaySequence(new ReplaySequenceExtension(sequence)));

    [Fact]
    public void An_added_sa_sends_the_number_after_it_and_its_window_starts_there()
    {
        _harness.Succeeds(EspAdd(0x1000, extend: Continue(NearWrap)));

        SecurityAssociation sa = Installed(0x1000);
        Assert.Equal(NearWrap, sa.SequenceCounter!.Current);
        Assert.True(sa.SequenceCounter.TryNext(out ulong next));
        Assert.Equal(NearWrap + 1, next);
        Assert.Equal(NearWrap, sa.ReplayWindow!.Highest);
    }

    [Fact]
    public void Beyond_32_bits_needs_esn()
    {
        const ulong Beyond = 0x1_0000_0005;
        _harness.Fails(EspAdd(0x1000, extend: Continue(Beyond)), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.None);

        _harness.Succeeds(Build(MessageType.Add, SaType.Esp, 1, (ref PfKeyMessageWriter writer) =>
        {
            AddIdentity(ref writer, 0x1001, flags: SaFlags.Esn);
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey)));
            Continue(Beyond)(ref writer);
        }));
        Assert.Equal(Beyond, Installed(0x1001).ReplayWindow!.Highest);
    }

    [Fact]
    public void A_live_sa_keeps_its_counters_and_only_installing_messages_may_carry_one()
    {
        _harness.Succeeds(EspAdd(0x1000));

        _harness.Fails(EspAdd(0x1000, sequence: 2, extend: Continue(NearWrap), type: MessageType.Update), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.BadSaState);
        _harness.Fails(
            Build(MessageType.Delete, SaType.Esp, 3, (ref PfKeyMessageWriter writer) =>
            {
                Assert.True(writer.TryAddSa(new SaExtension(0x1000, 0, SaState.Larval, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None)));
                Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(Local)));
                Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(Peer)));
                Continue(NearWrap)(ref writer);
            }),
            PfKeyErrno.InvalidArgument,
            PfKeyDiagnostic.BadSaState);
        Assert.Equal(0UL, Installed(0x1000).SequenceCounter!.Current);
    }

    [Fact]
    public void Get_reports_where_a_used_sa_stands_so_an_add_elsewhere_can_continue_it_but_replies_to_all_never_do()
    {
        _harness.Succeeds(EspAdd(0x1000));
        Assert.False(Parse(_harness.Other.Received[^1]).Contains(ExtensionType.ReplaySequence)); // the ADD reply to all

        _harness.Succeeds(ById(MessageType.Get, 0x1000, sequence: 2));
        Assert.False(Parse(_harness.Sender.Received[^1]).Contains(ExtensionType.ReplaySequence)); // nothing sent yet

        SecurityAssociation sender = Installed(0x1000);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(sender.SequenceCounter!.TryNext(out _));
        }

        _harness.Succeeds(ById(MessageType.Get, 0x1000, sequence: 3));
        Assert.True(Parse(_harness.Sender.Received[^1]).TryGetReplaySequence(out ReplaySequenceExtension sent));
        Assert.Equal(3UL, sent.Sequence);

        // The receiving side: its window's highest number is what it reports.
        _harness.Succeeds(EspAdd(0x1001, sequence: 4, extend: Continue(NearWrap)));
        _harness.Succeeds(ById(MessageType.Get, 0x1001, sequence: 5));
        Assert.True(Parse(_harness.Sender.Received[^1]).TryGetReplaySequence(out ReplaySequenceExtension received));
        Assert.Equal(NearWrap, received.Sequence);
    }

    private SecurityAssociation Installed(uint spi)
    {
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, spi, IpsecProtocol.Esp), out SecurityAssociation? sa));
        return sa!;
    }
}

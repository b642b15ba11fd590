using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;

namespace Netipsec.PfKey.Tests.Service;

public sealed class PfKeyServicePolicyTests
{
    private static readonly IpAddress LocalNet = IpAddress.Parse("10.1.0.0");
    private static readonly IpAddress RemoteNet = IpAddress.Parse("10.2.0.0");

    private static readonly IpsecRequest TunnelRequest = new(IpProtocol.Esp, IpsecMode.Tunnel, IpsecLevel.Unique, 7)
    {
        TunnelSource = new Sockaddr(Local),
        TunnelDestination = new Sockaddr(Peer),
    };

    private readonly ServiceHarness _harness = new();

    private static readonly Selector OutboundSelector =
        new Selector(new IpPrefix(LocalNet, 16), new IpPrefix(RemoteNet, 16)) { Protocol = IpProtocol.Tcp }.WithPorts(0, 443);

    /// <summary>An SPD message for 10.1/16 → 10.2/16 TCP port 443.</summary>
    private static byte[] PolicyMessage(MessageType type, IpsecPolicyType policyType, IpsecDirection direction, uint priority, params IpsecRequest[] requests) =>
        Build(type, SaType.Unspecified, 11, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(LocalNet, 16, 6)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(RemoteNet, 16, 6, 443)));
            Assert.True(writer.TryAddPolicy(new PolicyHeader(policyType, direction, 0, priority), requests));
        });

    private static byte[] ByIndex(MessageType type, uint index) =>
        Build(type, SaType.Unspecified, 12, (ref PfKeyMessageWriter writer) =>
            Assert.True(writer.TryAddPolicy(new PolicyHeader(IpsecPolicyType.Discard, IpsecDirection.Outbound, index, 0), [])));

    [Fact]
    public void SpdAddInstallsThePolicyAndTellsEveryoneWithItsIndex()
    {
        _harness.Succeeds(PolicyMessage(MessageType.SpdAdd, IpsecPolicyType.Ipsec, IpsecDirection.Outbound, 100, TunnelRequest));

        SecurityPolicy? installed = _harness.Engine.Policies.Get(PolicyDirection.Out, OutboundSelector);
        Assert.NotNull(installed);
        Assert.Equal(PolicyAction.Ipsec, installed.Action);
        Assert.Equal(100u, installed.Priority);
        PolicyTemplate template = Assert.Single(installed.Templates);
        Assert.Equal(
            new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelSource = Local, TunnelDestination = Peer, ReqId = 7, Level = TemplateLevel.Unique },
            template);

        byte[] reply = Assert.Single(_harness.Sender.Received);
        Assert.Equal(reply, Assert.Single(_harness.Other.Received));
        PfKeyMessage parsed = Parse(reply);
        Assert.Equal(MessageType.SpdAdd, parsed.Header.Type);
        Assert.True(parsed.TryGetPolicy(out PolicyExtension policy));
        Assert.Equal(new PolicyHeader(IpsecPolicyType.Ipsec, IpsecDirection.Outbound, installed.Index, 100), policy.Header);
        var requests = new List<IpsecRequest>();
        foreach (IpsecRequest request in policy.Requests)
        {
            requests.Add(request);
        }

        Assert.Equal([TunnelRequest], requests);
        Assert.True(parsed.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(Address(RemoteNet, 16, 6, 443), destination);
        Assert.True(parsed.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(Address(LocalNet, 16, 6), source);
    }

    [Fact]
    public void SpdAddOfATakenSelectorIsExistsAndSpdUpdateReplacesIt()
    {
        _harness.Succeeds(PolicyMessage(MessageType.SpdAdd, IpsecPolicyType.Discard, IpsecDirection.Outbound, 0));
        uint index = _harness.Engine.Policies.Get(PolicyDirection.Out, OutboundSelector)!.Index;

        _harness.Fails(PolicyMessage(MessageType.SpdAdd, IpsecPolicyType.None, IpsecDirection.Outbound, 0), PfKeyErrno.Exists, PfKeyDiagnostic.None);
        Assert.Equal(PolicyAction.Block, _harness.Engine.Policies.Get(PolicyDirection.Out, OutboundSelector)!.Action);

        _harness.Succeeds(PolicyMessage(MessageType.SpdUpdate, IpsecPolicyType.None, IpsecDirection.Outbound, 0));
        SecurityPolicy updated = _harness.Engine.Policies.Get(PolicyDirection.Out, OutboundSelector)!;
        Assert.Equal(PolicyAction.Bypass, updated.Action);
        Assert.Equal(index, updated.Index);
        PfKeyMessage reply = Parse(_harness.Other.Received[^1]);
        Assert.Equal(MessageType.SpdUpdate, reply.Header.Type);
        Assert.True(reply.TryGetPolicy(out PolicyExtension policy));
        Assert.Equal(IpsecPolicyType.None, policy.Header.Type);
    }

    [Fact]
    public void SpdDeleteBySelectorAndDirection()
    {
        _harness.Succeeds(PolicyMessage(MessageType.SpdAdd, IpsecPolicyType.Discard, IpsecDirection.Inbound, 0));
        _harness.Fails(PolicyMessage(MessageType.SpdDelete, IpsecPolicyType.Discard, IpsecDirection.Outbound, 0), PfKeyErrno.NoEntry, PfKeyDiagnostic.None);
        Assert.Equal(1, _harness.Engine.Policies.Count);

        _harness.Succeeds(PolicyMessage(MessageType.SpdDelete, IpsecPolicyType.Discard, IpsecDirection.Inbound, 0));

        Assert.Equal(0, _harness.Engine.Policies.Count);
        Assert.Equal(MessageType.SpdDelete, Parse(_harness.Other.Received[^1]).Header.Type);
    }

    [Fact]
    public void SpdGetAndSpdDelete2WorkByIndex()
    {
        _harness.Succeeds(PolicyMessage(MessageType.SpdAdd, IpsecPolicyType.Ipsec, IpsecDirection.Outbound, 5, TunnelRequest));
        uint index = _harness.Engine.Policies.Get(PolicyDirection.Out, OutboundSelector)!.Index;
        int otherBefore = _harness.Other.Received.Count;

        _harness.Succeeds(ByIndex(MessageType.SpdGet, index));

        Assert.Equal(otherBefore, _harness.Other.Received.Count);
        PfKeyMessage got = Parse(_harness.Sender.Received[^1]);
        Assert.Equal(MessageType.SpdGet, got.Header.Type);
        Assert.True(got.TryGetPolicy(out PolicyExtension policy));
        Assert.Equal(index, policy.Header.Id);
        Assert.Equal(5u, policy.Header.Priority);

        _harness.Succeeds(ByIndex(MessageType.SpdDelete2, index));
        Assert.Equal(0, _harness.Engine.Policies.Count);
        Assert.Equal(MessageType.SpdDelete2, Parse(_harness.Other.Received[^1]).Header.Type);

        _harness.Fails(ByIndex(MessageType.SpdGet, index), PfKeyErrno.NoEntry, PfKeyDiagnostic.None);
        _harness.Fails(ByIndex(MessageType.SpdDelete2, index), PfKeyErrno.NoEntry, PfKeyDiagnostic.None);
    }

    [Fact]
    public void SpdDumpListsEveryPolicyToTheSenderCountingDownToZero()
    {
        _harness.Succeeds(PolicyMessage(MessageType.SpdAdd, IpsecPolicyType.Discard, IpsecDirection.Inbound, 0));
        _harness.Succeeds(PolicyMessage(MessageType.SpdAdd, IpsecPolicyType.None, IpsecDirection.Outbound, 0));
        int senderBefore = _harness.Sender.Received.Count;
        int otherBefore = _harness.Other.Received.Count;

        _harness.Succeeds(Build(MessageType.SpdDump, SaType.Unspecified, 30));

        Assert.Equal(otherBefore, _harness.Other.Received.Count);
        List<byte[]> dump = _harness.Sender.Received[senderBefore..];
        Assert.Equal(2, dump.Count);
        PfKeyMessage first = Parse(dump[0]);
        PfKeyMessage last = Parse(dump[1]);
        Assert.Equal(1u, first.Header.Sequence);
        Assert.Equal(0u, last.Header.Sequence);
        Assert.True(first.TryGetPolicy(out PolicyExtension inbound));
        Assert.Equal(IpsecDirection.Inbound, inbound.Header.Direction);
        Assert.True(last.TryGetPolicy(out PolicyExtension outbound));
        Assert.Equal(IpsecDirection.Outbound, outbound.Header.Direction);
    }

    [Fact]
    public void SpdDumpOfAnEmptySpdIsNoEntry() =>
        _harness.Fails(Build(MessageType.SpdDump, SaType.Unspecified, 1), PfKeyErrno.NoEntry, PfKeyDiagnostic.None);

    [Fact]
    public void SpdFlushRemovesEveryPolicyAndTellsEveryone()
    {
        _harness.Succeeds(PolicyMessage(MessageType.SpdAdd, IpsecPolicyType.Discard, IpsecDirection.Inbound, 0));
        _harness.Succeeds(PolicyMessage(MessageType.SpdAdd, IpsecPolicyType.Discard, IpsecDirection.Outbound, 0));

        _harness.Succeeds(Build(MessageType.SpdFlush, SaType.Unspecified, 2));

        Assert.Equal(0, _harness.Engine.Policies.Count);
        byte[] reply = _harness.Other.Received[^1];
        Assert.Equal(16, reply.Length);
        Assert.Equal(MessageType.SpdFlush, Parse(reply).Header.Type);
    }

    [Fact]
    public void PolicyLifetimesAreInstalledAndChecked()
    {
        _harness.Succeeds(Build(MessageType.SpdAdd, SaType.Unspecified, 1, (ref PfKeyMessageWriter writer) =>
        {
            Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(LocalNet, 16)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(RemoteNet, 16)));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(0, 0, 3600, 0)));
            Assert.True(writer.TryAddPolicy(new PolicyHeader(IpsecPolicyType.None, IpsecDirection.Outbound, 0, 0), []));
        }));

        SecurityPolicy policy = Assert.Single(_harness.Engine.Policies.Dump());
        Assert.Equal(TimeSpan.FromHours(1), policy.HardLimits.AddExpiry);
        Assert.Null(policy.Selector.Protocol);
    }

    public static TheoryData<IpsecPolicyType, IpsecDirection, IpsecRequest[]> InvalidPolicies => new()
    {
        { IpsecPolicyType.Entrust, IpsecDirection.Outbound, [] },
        { IpsecPolicyType.Discard, IpsecDirection.Any, [] },
        { IpsecPolicyType.Discard, IpsecDirection.Invalid, [] },
        { IpsecPolicyType.Ipsec, IpsecDirection.Outbound, [] },
        { IpsecPolicyType.Discard, IpsecDirection.Outbound, [new IpsecRequest(IpProtocol.Esp, IpsecMode.Transport, IpsecLevel.Require, 0)] },
        { IpsecPolicyType.Ipsec, IpsecDirection.Outbound, [new IpsecRequest(IpProtocol.Udp, IpsecMode.Transport, IpsecLevel.Require, 0)] },
        { IpsecPolicyType.Ipsec, IpsecDirection.Outbound, [new IpsecRequest(IpProtocol.Esp, IpsecMode.Any, IpsecLevel.Require, 0)] },
        { IpsecPolicyType.Ipsec, IpsecDirection.Outbound, [new IpsecRequest(IpProtocol.Esp, IpsecMode.Transport, (IpsecLevel)9, 0)] },
        { IpsecPolicyType.Ipsec, IpsecDirection.Outbound, Enumerable.Repeat(new IpsecRequest(IpProtocol.Esp, IpsecMode.Transport, IpsecLevel.Require, 0), 7).ToArray() },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public void APolicyThatCannotBeAnSpdEntryIsInvalidAndChangesNothing(IpsecPolicyType type, IpsecDirection direction, IpsecRequest[] requests)
    {
        _harness.Fails(PolicyMessage(MessageType.SpdAdd, type, direction, 0, requests), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.None);
        Assert.Equal(0, _harness.Engine.Policies.Count);
    }

    [Fact]
    public void SpdMessagesWithoutAPolicyAreNoExt()
    {
        _harness.Fails(Build(MessageType.SpdGet, SaType.Unspecified, 1), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.NoExt);
        _harness.Fails(Build(MessageType.SpdDelete2, SaType.Unspecified, 1), PfKeyErrno.InvalidArgument, PfKeyDiagnostic.NoExt);
        _harness.Fails(
            Build(MessageType.SpdAdd, SaType.Unspecified, 1, (ref PfKeyMessageWriter writer) =>
            {
                Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Address(LocalNet, 16)));
                Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Address(RemoteNet, 16)));
            }),
            PfKeyErrno.InvalidArgument,
            PfKeyDiagnostic.NoExt);
    }
}

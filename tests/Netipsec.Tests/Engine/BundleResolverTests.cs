using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.Tests.Engine.EngineTestData;

namespace Netipsec.Tests.Engine;

public sealed class BundleResolverTests
{
    private readonly EngineTestData _data = new();

    [Fact]
    public void A_transport_template_finds_the_SA_between_the_flow_addresses()
    {
        SecurityAssociation esp = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));

        BundleResolution resolution = _data.Resolver.Resolve(policy, HostFlow());

        Assert.Equal(BundleStatus.Ok, resolution.Status);
        Assert.Equal(DropReason.None, resolution.DropReason);
        Bundle bundle = resolution.Bundle!;
        Assert.Same(policy, bundle.Policy);
        Assert.Equal([esp], bundle.States.ToArray());
        Assert.Equal(_data.Spd.Generation, bundle.SpdGeneration);
        Assert.Equal(_data.Sad.Generation, bundle.SadGeneration);
        Assert.True(bundle.IsUsable);
        Assert.Empty(_data.Listener.Acquires);
    }

    [Fact]
    public void A_missing_SA_raises_one_ACQUIRE_however_many_packets_of_the_flow_ask()
    {
        PolicyTemplate template = Transport(IpsecProtocol.Esp, reqId: 3);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, template));
        Flow flow = HostFlow(1234, 443);

        for (int i = 0; i < 10; i++)
        {
            BundleResolution resolution = _data.Resolver.Resolve(policy, flow);
            Assert.Equal(BundleStatus.Missing, resolution.Status);
            Assert.Same(template, resolution.MissingTemplate);
            Assert.Equal(DropReason.OutNoStates, resolution.DropReason);
            Assert.Null(resolution.Bundle);
        }

        AcquireRequest acquire = Assert.Single(_data.Listener.Acquires);
        Assert.Equal(HostA, acquire.Source);
        Assert.Equal(HostB, acquire.Destination);
        Assert.Same(template, acquire.Template);
        Assert.Same(policy, acquire.Policy);
        Assert.Equal(IpPrefix.Host(HostA), acquire.Selector.Source);
        Assert.Equal(IpPrefix.Host(HostB), acquire.Selector.Destination);
        Assert.Equal(IpProtocol.Tcp, acquire.Selector.Protocol);
        Assert.Equal((ushort)1234, acquire.Selector.SourcePort);
        Assert.Equal(ushort.MaxValue, acquire.Selector.SourcePortMask);
        Assert.Equal((ushort)443, acquire.Selector.DestinationPort);
        Assert.Equal(ushort.MaxValue, acquire.Selector.DestinationPortMask);
        Assert.True(acquire.Selector.Matches(flow));
    }

    [Fact]
    public void The_SA_that_answers_the_ACQUIRE_completes_the_bundle()
    {
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        Assert.Equal(BundleStatus.Missing, _data.Resolver.Resolve(policy, HostFlow()).Status);
        uint sequence = Assert.Single(_data.Listener.Acquires).Sequence;

        SecurityAssociation answer = Sa(IpsecProtocol.Esp, 0x4242, HostA, HostB);
        Assert.Equal(SadStatus.Ok, _data.Sad.Add(new SecurityAssociation(answer.Id, HostA, XfrmMode.Transport)
        {
            Encryption = answer.Encryption,
            Authentication = answer.Authentication,
            AcquireSequence = sequence,
        }));

        BundleResolution resolution = _data.Resolver.Resolve(policy, HostFlow());
        Assert.Equal(BundleStatus.Ok, resolution.Status);
        Assert.Equal(0x4242u, Assert.Single(resolution.Bundle!.States).Spi);
    }

    [Fact]
    public void IPComp_inside_ESP_resolves_innermost_first()
    {
        SecurityAssociation ipcomp = _data.Install(IpsecProtocol.IpComp, 0x300, HostA, HostB);
        SecurityAssociation esp = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.IpComp), Transport(IpsecProtocol.Esp)));

        BundleResolution resolution = _data.Resolver.Resolve(policy, HostFlow());

        Assert.Equal([ipcomp, esp], resolution.Bundle!.States.ToArray());
    }

    [Fact]
    public void ESP_inside_AH_resolves_innermost_first()
    {
        SecurityAssociation ah = _data.Install(IpsecProtocol.Ah, 0x2000, HostA, HostB);
        SecurityAssociation esp = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp), Transport(IpsecProtocol.Ah)));

        Assert.Equal([esp, ah], _data.Resolver.Resolve(policy, HostFlow()).Bundle!.States.ToArray());
    }

    [Fact]
    public void A_transport_template_inside_a_tunnel_uses_the_inner_addresses()
    {
        SecurityAssociation transport = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityAssociation tunnel = _data.Install(IpsecProtocol.Esp, 0x2000, GatewayA, GatewayB, XfrmMode.Tunnel);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp), Tunnel(IpsecProtocol.Esp, GatewayA, GatewayB)));

        Assert.Equal([transport, tunnel], _data.Resolver.Resolve(policy, HostFlow()).Bundle!.States.ToArray());
    }

    [Fact]
    public void A_transport_template_outside_a_tunnel_uses_the_tunnel_endpoints()
    {
        // An AH SA between the hosts exists but does not fit: outside the tunnel the packet runs between the gateways.
        _data.Install(IpsecProtocol.Ah, 0x3000, HostA, HostB);
        SecurityAssociation tunnel = _data.Install(IpsecProtocol.Esp, 0x2000, GatewayA, GatewayB, XfrmMode.Tunnel);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Tunnel(IpsecProtocol.Esp, GatewayA, GatewayB), Transport(IpsecProtocol.Ah)));

        BundleResolution missing = _data.Resolver.Resolve(policy, HostFlow());
        Assert.Equal(BundleStatus.Missing, missing.Status);
        Assert.Equal(IpsecProtocol.Ah, missing.MissingTemplate!.Protocol);
        AcquireRequest acquire = Assert.Single(_data.Listener.Acquires);
        Assert.Equal((GatewayA, GatewayB), (acquire.Source, acquire.Destination));
        Assert.True(acquire.Selector.Matches(HostFlow()), "the ACQUIRE still names the traffic, not the tunnel");

        SecurityAssociation outerAh = _data.Install(IpsecProtocol.Ah, 0x3001, GatewayA, GatewayB);
        Assert.Equal([tunnel, outerAh], _data.Resolver.Resolve(policy, HostFlow()).Bundle!.States.ToArray());
    }

    [Fact]
    public void A_missing_tunnel_SA_is_acquired_between_the_tunnel_endpoints()
    {
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Tunnel(IpsecProtocol.Esp, GatewayA, GatewayB, reqId: 9)));

        Assert.Equal(BundleStatus.Missing, _data.Resolver.Resolve(policy, HostFlow()).Status);

        AcquireRequest acquire = Assert.Single(_data.Listener.Acquires);
        Assert.Equal((GatewayA, GatewayB, 9u), (acquire.Source, acquire.Destination, acquire.Template.ReqId));
    }

    [Fact]
    public void A_template_reqid_selects_the_SA_of_that_reqid()
    {
        SecurityAssociation five = _data.Install(IpsecProtocol.Esp, 0x1005, HostA, HostB, reqId: 5);
        SecurityAssociation seven = _data.Install(IpsecProtocol.Esp, 0x1007, HostA, HostB, reqId: 7);

        Assert.Same(seven, ResolveOne(Transport(IpsecProtocol.Esp, reqId: 7)));
        Assert.Same(five, ResolveOne(Transport(IpsecProtocol.Esp, reqId: 5)));
        Assert.Contains(ResolveOne(Transport(IpsecProtocol.Esp, reqId: 0)), new[] { five, seven });
        Assert.Null(ResolveOne(Transport(IpsecProtocol.Esp, reqId: 9)));
    }

    [Fact]
    public void A_template_SPI_selects_that_SA_only()
    {
        _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityAssociation named = _data.Install(IpsecProtocol.Esp, 0x2000, HostA, HostB);

        Assert.Same(named, ResolveOne(Transport(IpsecProtocol.Esp, spi: 0x2000)));
        Assert.Null(ResolveOne(Transport(IpsecProtocol.Esp, spi: 0x3000)));
    }

    [Fact]
    public void A_template_SPI_taken_by_an_SA_that_does_not_fit_is_an_error()
    {
        _data.Install(IpsecProtocol.Esp, 0x2000, HostA, HostB, reqId: 4);
        SecurityPolicy policy = Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp, reqId: 5, spi: 0x2000));

        BundleResolution resolution = _data.Resolver.Resolve(policy, HostFlow());

        Assert.Equal(BundleStatus.Error, resolution.Status);
        Assert.Equal(DropReason.OutBundleGenError, resolution.DropReason);
        Assert.Empty(_data.Listener.Acquires);
    }

    [Fact]
    public void A_larval_SA_does_not_complete_a_bundle()
    {
        Assert.Equal(SadStatus.Ok, _data.Sad.GetSpi(HostB, HostA, IpsecProtocol.Esp, XfrmMode.Transport, 0, 0x100, 0x200, 0, out SecurityAssociation? larval));

        Assert.Null(ResolveOne(Transport(IpsecProtocol.Esp)));
        Assert.Null(ResolveOne(Transport(IpsecProtocol.Esp, spi: larval!.Spi)));
    }

    [Fact]
    public void An_optional_template_without_SA_is_skipped_after_raising_an_ACQUIRE()
    {
        SecurityAssociation esp = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityPolicy policy = _data.Install(Policy(
            PolicyDirection.Out, Transport(IpsecProtocol.IpComp, level: TemplateLevel.Use), Transport(IpsecProtocol.Esp)));

        BundleResolution resolution = _data.Resolver.Resolve(policy, HostFlow());

        Assert.Equal(BundleStatus.Ok, resolution.Status);
        Assert.Equal([esp], resolution.Bundle!.States.ToArray());
        Assert.Equal(IpsecProtocol.IpComp, Assert.Single(_data.Listener.Acquires).Template.Protocol);
    }

    [Fact]
    public void Only_optional_templates_without_SAs_give_an_empty_bundle()
    {
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.IpComp, level: TemplateLevel.Use)));

        BundleResolution resolution = _data.Resolver.Resolve(policy, HostFlow());

        Assert.Equal(BundleStatus.Ok, resolution.Status);
        Assert.Empty(resolution.Bundle!.States);
    }

    [Fact]
    public void Resolution_stops_at_the_first_required_template_without_SA()
    {
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp), Transport(IpsecProtocol.Ah)));

        BundleResolution resolution = _data.Resolver.Resolve(policy, HostFlow());

        Assert.Equal(IpsecProtocol.Esp, resolution.MissingTemplate!.Protocol);
        Assert.Equal(IpsecProtocol.Esp, Assert.Single(_data.Listener.Acquires).Template.Protocol);
    }

    [Fact]
    public void A_tunnel_template_without_a_source_is_an_error()
    {
        var template = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelDestination = GatewayB };
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, template));

        BundleResolution resolution = _data.Resolver.Resolve(policy, HostFlow());

        Assert.Equal((BundleStatus.Error, DropReason.OutBundleGenError), (resolution.Status, resolution.DropReason));
    }

    [Fact]
    public void A_dead_policy_resolves_to_OutPolDead()
    {
        _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        Assert.Equal(SpdStatus.Ok, _data.Spd.Delete(PolicyDirection.Out, policy.Selector, out _));

        BundleResolution resolution = _data.Resolver.Resolve(policy, HostFlow());

        Assert.Equal((BundleStatus.Error, DropReason.OutPolDead), (resolution.Status, resolution.DropReason));
    }

    [Fact]
    public void A_bundle_stops_being_usable_when_its_SA_or_policy_goes()
    {
        SecurityAssociation esp = _data.Install(IpsecProtocol.Esp, 0x1000, HostA, HostB);
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp)));
        Bundle first = _data.Resolver.Resolve(policy, HostFlow()).Bundle!;

        Assert.Equal(SadStatus.Ok, _data.Sad.Delete(esp.Id));
        Assert.False(first.IsUsable);

        _data.Install(IpsecProtocol.Esp, 0x1001, HostA, HostB);
        Bundle second = _data.Resolver.Resolve(policy, HostFlow()).Bundle!;
        Assert.True(second.IsUsable);
        Assert.Equal(SpdStatus.Ok, _data.Spd.Update(Policy(PolicyDirection.Out, Transport(IpsecProtocol.Esp))));
        Assert.False(second.IsUsable);
    }

    [Fact]
    public void Only_outbound_IPsec_policies_resolve()
    {
        var bypass = new SecurityPolicy(PolicyDirection.Out, HostSelector, PolicyAction.Bypass);
        SecurityPolicy inbound = Policy(PolicyDirection.In, Transport(IpsecProtocol.Esp));

        Assert.Throws<ArgumentException>(() => _data.Resolver.Resolve(bypass, HostFlow()));
        Assert.Throws<ArgumentException>(() => _data.Resolver.Resolve(inbound, HostFlow()));
    }

    private SecurityAssociation? ResolveOne(PolicyTemplate template)
    {
        BundleResolution resolution = _data.Resolver.Resolve(Policy(PolicyDirection.Out, template), HostFlow());
        return resolution.Status == BundleStatus.Ok ? Assert.Single(resolution.Bundle!.States) : null;
    }
}

using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.Tests.Engine.EngineTestData;

namespace Netipsec.Tests.Engine;

public sealed class InboundPolicyCheckTests
{
    private const int PacketLength = 120;

    // Inbound, the tunnel runs from the peer's gateway to ours.
    private static readonly SecurityAssociation TunnelSa = Sa(IpsecProtocol.Esp, 0x5000, GatewayB, GatewayA, XfrmMode.Tunnel, reqId: 7);
    private static readonly SecurityAssociation EspTransport = Sa(IpsecProtocol.Esp, 0x1000, HostA, HostB, reqId: 3);
    private static readonly SecurityAssociation AhTransport = Sa(IpsecProtocol.Ah, 0x2000, HostA, HostB);
    private static readonly SecurityAssociation IpCompTransport = Sa(IpsecProtocol.IpComp, 0x300, HostA, HostB);

    private readonly EngineTestData _data = new();

    [Fact]
    public void Without_a_policy_plain_and_transport_protected_packets_pass()
    {
        Assert.Equal(DropReason.None, Check(PolicyDirection.In));
        Assert.Equal(DropReason.None, Check(PolicyDirection.In, EspTransport));
    }

    [Fact]
    public void Without_a_policy_a_decapsulated_packet_is_InNoPols()
    {
        Assert.Equal(DropReason.InNoPols, Check(PolicyDirection.In, TunnelSa));
        Assert.Equal(DropReason.InNoPols, Check(PolicyDirection.Fwd, TunnelSa));
    }

    [Fact]
    public void A_block_policy_is_InPolBlock_and_accounts_nothing()
    {
        SecurityPolicy block = _data.Install(new SecurityPolicy(PolicyDirection.In, HostSelector, PolicyAction.Block));

        Assert.Equal(DropReason.InPolBlock, Check(PolicyDirection.In));
        Assert.Equal(DropReason.InPolBlock, Check(PolicyDirection.In, EspTransport));
        Assert.Equal(0UL, block.Current.Packets);
    }

    [Fact]
    public void A_bypass_policy_admits_transport_SAs_but_not_a_tunnel()
    {
        SecurityPolicy bypass = _data.Install(new SecurityPolicy(PolicyDirection.In, HostSelector, PolicyAction.Bypass));

        Assert.Equal(DropReason.None, Check(PolicyDirection.In));
        Assert.Equal(DropReason.None, Check(PolicyDirection.In, EspTransport));
        Assert.Equal(DropReason.InTmplMismatch, Check(PolicyDirection.In, TunnelSa));
        Assert.Equal(2UL, bypass.Current.Packets);
    }

    [Fact]
    public void A_matching_tunnel_SA_satisfies_the_policy_and_accounts_it()
    {
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.In, Tunnel(IpsecProtocol.Esp, GatewayB, GatewayA)));

        DropReason verdict = InboundPolicyCheck.Check(_data.Spd, PolicyDirection.In, HostFlow(), SecPathOf(TunnelSa), PacketLength, out SecurityPolicy? decided);

        Assert.Equal(DropReason.None, verdict);
        Assert.Same(policy, decided);
        Assert.Equal((1UL, (ulong)PacketLength), (policy.Current.Packets, policy.Current.Bytes));
    }

    [Fact]
    public void Forwarded_traffic_is_checked_against_fwd_policies()
    {
        _data.Install(Policy(PolicyDirection.Fwd, Tunnel(IpsecProtocol.Esp, GatewayB, GatewayA)));

        Assert.Equal(DropReason.None, Check(PolicyDirection.Fwd, TunnelSa));
        Assert.Equal(DropReason.InNoPols, Check(PolicyDirection.In, TunnelSa));
        Assert.Throws<ArgumentException>(() => Check(PolicyDirection.Out));
    }

    [Fact]
    public void A_required_template_without_SA_is_a_template_mismatch()
    {
        SecurityPolicy policy = _data.Install(Policy(PolicyDirection.In, Transport(IpsecProtocol.Esp)));

        Assert.Equal(DropReason.InTmplMismatch, Check(PolicyDirection.In));
        Assert.Equal(DropReason.InTmplMismatch, Check(PolicyDirection.In, AhTransport));
        Assert.Equal(0UL, policy.Current.Packets);
    }

    [Theory]
    [InlineData("protocol")]
    [InlineData("mode")]
    [InlineData("source")]
    [InlineData("destination")]
    [InlineData("reqid")]
    [InlineData("spi")]
    [InlineData("algorithm")]
    public void A_tunnel_SA_that_differs_from_the_template_is_a_template_mismatch(string difference)
    {
        PolicyTemplate template = Tunnel(IpsecProtocol.Esp, GatewayB, GatewayA, reqId: 7) with { Spi = 0x5000 };
        template = difference switch
        {
            "protocol" => template with { Protocol = IpsecProtocol.Ah },
            "mode" => template with { Mode = XfrmMode.Beet },
            "source" => template with { TunnelSource = HostA },
            "destination" => template with { TunnelDestination = HostB },
            "reqid" => template with { ReqId = 8 },
            "spi" => template with { Spi = 0x5001 },
            _ => template with { AllowedAuthAlgorithms = ~(1UL << TunnelSa.Authentication!.Id) },
        };
        _data.Install(Policy(PolicyDirection.In, template));

        Assert.Equal(DropReason.InTmplMismatch, Check(PolicyDirection.In, TunnelSa));
    }

    [Fact]
    public void Template_fields_left_open_match_any_SA()
    {
        var open = new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel) { TunnelDestination = GatewayA };
        _data.Install(Policy(PolicyDirection.In, open));

        Assert.Equal(DropReason.None, Check(PolicyDirection.In, TunnelSa));
    }

    [Fact]
    public void Nested_SAs_must_come_in_the_order_of_the_templates()
    {
        // Templates innermost first: ESP inside AH. The secpath is outermost first: AH was removed first.
        _data.Install(Policy(PolicyDirection.In, Transport(IpsecProtocol.Esp), Transport(IpsecProtocol.Ah)));

        Assert.Equal(DropReason.None, Check(PolicyDirection.In, AhTransport, EspTransport));
        Assert.Equal(DropReason.InTmplMismatch, Check(PolicyDirection.In, EspTransport, AhTransport));
    }

    [Fact]
    public void A_transport_template_inside_a_tunnel_template_is_met_after_the_tunnel()
    {
        _data.Install(Policy(PolicyDirection.In, Transport(IpsecProtocol.Esp), Tunnel(IpsecProtocol.Esp, GatewayB, GatewayA)));

        Assert.Equal(DropReason.None, Check(PolicyDirection.In, TunnelSa, EspTransport));
        Assert.Equal(DropReason.InTmplMismatch, Check(PolicyDirection.In, EspTransport, TunnelSa));
        Assert.Equal(DropReason.InTmplMismatch, Check(PolicyDirection.In, TunnelSa));
    }

    [Fact]
    public void An_optional_transport_template_may_be_skipped()
    {
        _data.Install(Policy(PolicyDirection.In, Transport(IpsecProtocol.IpComp, level: TemplateLevel.Use), Transport(IpsecProtocol.Esp)));

        Assert.Equal(DropReason.None, Check(PolicyDirection.In, EspTransport));
        Assert.Equal(DropReason.None, Check(PolicyDirection.In, EspTransport, IpCompTransport));
    }

    [Fact]
    public void An_optional_tunnel_template_is_skipped_when_no_SA_fits_it()
    {
        _data.Install(Policy(PolicyDirection.In, Transport(IpsecProtocol.Esp), Tunnel(IpsecProtocol.Esp, GatewayB, GatewayA, level: TemplateLevel.Use)));

        Assert.Equal(DropReason.None, Check(PolicyDirection.In, EspTransport));
        Assert.Equal(DropReason.None, Check(PolicyDirection.In, TunnelSa, EspTransport));
    }

    [Fact]
    public void Extra_transport_protection_is_tolerated_as_in_Linux()
    {
        _data.Install(Policy(PolicyDirection.In, Transport(IpsecProtocol.Esp)));

        Assert.Equal(DropReason.None, Check(PolicyDirection.In, AhTransport, EspTransport));
        Assert.Equal(DropReason.None, Check(PolicyDirection.In, EspTransport, AhTransport));
    }

    [Fact]
    public void A_tunnel_no_template_covers_is_a_template_mismatch()
    {
        SecurityAssociation otherTunnel = Sa(IpsecProtocol.Esp, 0x6000, HostB, GatewayA, XfrmMode.Tunnel);
        _data.Install(Policy(PolicyDirection.In, Tunnel(IpsecProtocol.Esp, GatewayB, GatewayA)));

        Assert.Equal(DropReason.InTmplMismatch, Check(PolicyDirection.In, TunnelSa, otherTunnel));
        Assert.Equal(DropReason.InTmplMismatch, Check(PolicyDirection.In, otherTunnel, TunnelSa));
    }

    [Fact]
    public void A_tunnel_SA_passes_only_traffic_its_inner_selector_allows()
    {
        SecurityAssociation open = Sa(IpsecProtocol.Esp, 0x5001, GatewayB, GatewayA, XfrmMode.Tunnel);
        SecurityAssociation narrow = Sa(IpsecProtocol.Esp, 0x5002, GatewayB, GatewayA, XfrmMode.Tunnel, inner: HostSelector with { Protocol = IpProtocol.Tcp });

        Assert.True(InboundPolicyCheck.InnerSelectorAllows(open, HostFlow()));
        Assert.True(InboundPolicyCheck.InnerSelectorAllows(narrow, HostFlow()));
        Assert.False(InboundPolicyCheck.InnerSelectorAllows(narrow, new Flow(HostA, HostB, IpProtocol.Udp, 1, 2)));
        Assert.False(InboundPolicyCheck.InnerSelectorAllows(narrow, new Flow(HostB, HostA, IpProtocol.Tcp, 1, 2)));
    }

    private DropReason Check(PolicyDirection direction, params SecurityAssociation[] secPath) =>
        InboundPolicyCheck.Check(_data.Spd, direction, HostFlow(), SecPathOf(secPath), PacketLength);

    private static SecPath SecPathOf(params SecurityAssociation[] states)
    {
        var secPath = default(SecPath);
        foreach (SecurityAssociation sa in states)
        {
            Assert.True(secPath.TryAdd(sa));
        }

        return secPath;
    }
}

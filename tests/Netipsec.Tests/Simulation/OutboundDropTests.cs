using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.Simulation;

/// <summary>
/// Every way the Tx path drops a packet it can be made to drop from outside (larval drop mode): each moves exactly one
/// MIB counter of the sending gateway, and raises the key-manager events it should.
/// </summary>
public sealed class OutboundDropTests
{
    private readonly SiteToSite _net = new();

    private Selector WestToEastSelector => new(_net.WestSite, _net.EastSite);

    [Fact]
    public void A_block_out_policy_counts_OutPolBlock_and_the_policy_counts_the_bytes()
    {
        var block = new SecurityPolicy(PolicyDirection.Out, WestToEastSelector, PolicyAction.Block);
        Assert.Equal(SpdStatus.Ok, _net.WestGateway.Engine.Policies.Update(block));
        MibWatch mib = _net.Watch();

        byte[] packet = SendWestToEast();

        Assert.Empty(_net.EastHost.Inbox);
        Assert.Equal((1ul, (ulong)packet.Length), (block.Current.Packets, block.Current.Bytes));
        mib.AssertOnly(_net.WestGateway, DropReason.OutPolBlock);
    }

    [Fact]
    public void Without_an_outbound_sa_every_packet_counts_OutNoStates_and_one_acquire_is_raised()
    {
        Assert.Equal(SadStatus.Ok, _net.WestGateway.Engine.States.Delete(new SaId(_net.EastGatewayOuter, SiteToSite.WestToEastSpi, IpsecProtocol.Esp)));
        KeyManagerRecorder keyManager = KeyManagerRecorder.On(_net.WestGateway.Engine);
        MibWatch mib = _net.Watch();

        for (int i = 0; i < 10; i++)
        {
            SendWestToEast(sourcePort: (ushort)(5000 + (i % 2))); // two flows of the same policy
        }

        Assert.Empty(_net.EastHost.Inbox);
        mib.AssertOnly(_net.WestGateway, DropReason.OutNoStates, 10);
        AcquireRequest acquire = Assert.Single(keyManager.Acquires);
        Assert.Equal((_net.WestGatewayOuter, _net.EastGatewayOuter), (acquire.Source, acquire.Destination));
        Assert.Equal((XfrmMode.Tunnel, 1u), (acquire.Template.Mode, acquire.Template.ReqId));
        Assert.Equal((IpPrefix.Host(_net.WestHostAddress), IpPrefix.Host(_net.EastHostAddress), (IpProtocol?)IpProtocol.Udp, (ushort)5000),
            (acquire.Selector.Source, acquire.Selector.Destination, acquire.Selector.Protocol, acquire.Selector.SourcePort));
        Assert.Same(_net.WestGateway.Engine.Policies.Get(PolicyDirection.Out, WestToEastSelector), acquire.Policy);
    }

    [Fact]
    public void Without_an_sa_and_without_any_key_manager_every_packet_counts_AcquireError()
    {
        Assert.Equal(SadStatus.Ok, _net.WestGateway.Engine.States.Delete(new SaId(_net.EastGatewayOuter, SiteToSite.WestToEastSpi, IpsecProtocol.Esp)));
        Assert.Equal(0, _net.WestGateway.Engine.Events.ListenerCount);
        MibWatch mib = _net.Watch();

        SendWestToEast(sourcePort: 5000);
        SendWestToEast(sourcePort: 5000);

        Assert.Empty(_net.EastHost.Inbox);
        mib.AssertOnly(_net.WestGateway, DropReason.AcquireError, 2);
    }

    [Fact]
    public void Garbage_handed_to_output_counts_FwdHdrError()
    {
        MibWatch mib = _net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, _net.WestGateway.Send([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01]));
        Assert.Equal(XfrmVerdict.Dropped, _net.WestGateway.Send(Traffic.Udp(_net.WestHostAddress, _net.EastHostAddress, 1, 2).AsSpan(0, 22)));

        Assert.Empty(_net.Network.Wire);
        mib.AssertOnly(_net.WestGateway, DropReason.FwdHdrError, 2);
    }

    [Fact]
    public void A_tunnel_template_without_endpoints_counts_OutBundleGenError()
    {
        Assert.Equal(SpdStatus.Ok, _net.WestGateway.Engine.Policies.Update(new SecurityPolicy(
            PolicyDirection.Out, WestToEastSelector, PolicyAction.Ipsec, [new PolicyTemplate(IpsecProtocol.Esp, XfrmMode.Tunnel) { ReqId = 1 }])));
        _net.AssertDroppedOnly(_net.WestGateway, DropReason.OutBundleGenError, () => SendWestToEast());
    }

    [Fact]
    public void An_sa_out_of_sequence_numbers_counts_OutStateSeqError_and_raises_one_soft_expire()
    {
        SiteToSite.ReplaceState(_net.WestGateway, SiteToSite.TunnelSa(
            _net.WestGatewayOuter, _net.EastGatewayOuter, SiteToSite.WestToEastSpi, WestToEastSelector, initialSequence: uint.MaxValue - 1));
        KeyManagerRecorder keyManager = KeyManagerRecorder.On(_net.WestGateway.Engine);
        MibWatch mib = _net.Watch();

        byte[] last = SendWestToEast(); // carries 2^32 - 1, the last number
        SendWestToEast();
        SendWestToEast();

        Assert.Equal([last], _net.EastHost.Inbox);
        Assert.Equal(uint.MaxValue, SiteToSite.StateOf(_net.EastGateway, _net.EastGatewayOuter, SiteToSite.WestToEastSpi).ReplayWindow!.Highest);
        mib.AssertOnly(_net.WestGateway, DropReason.OutStateSeqError, 2);
        Assert.Equal([(SiteToSite.WestToEastSpi, ExpiryKind.Soft)], keyManager.Expired);
        Assert.Equal(SaState.Dying, SiteToSite.StateOf(_net.WestGateway, _net.EastGatewayOuter, SiteToSite.WestToEastSpi).State);
        Assert.Empty(keyManager.Acquires);
    }

    [Fact]
    public void A_packet_the_outer_header_cannot_describe_counts_OutStateModeError()
    {
        // 65 500 bytes without DF may be fragmented, but with the tunnel's overhead it exceeds IPv4's 16-bit total length.
        var pool = new PacketPool(1, bufferSize: 70 * 1024);
        byte[] huge = Traffic.Udp(_net.WestHostAddress, _net.EastHostAddress, 5000, 53, 65_500 - Ipv4Header.MinLength - 8);
        Packet packet = pool.Rent();
        huge.CopyTo(packet.Put(huge.Length));
        packet.SetNetworkHeader(0);
        MibWatch mib = _net.Watch();

        Assert.Equal(XfrmVerdict.Dropped, _net.WestGateway.Output.Output(packet));

        Assert.Equal(0, pool.RentedCount);
        mib.AssertOnly(_net.WestGateway, DropReason.OutStateModeError);
    }

    private byte[] SendWestToEast(ushort sourcePort = 5000)
    {
        byte[] packet = Traffic.Udp(_net.WestHostAddress, _net.EastHostAddress, sourcePort, 53, 64);
        Assert.Equal(XfrmVerdict.Bypassed, _net.WestHost.Send(packet));
        return packet;
    }
}

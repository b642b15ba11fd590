using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.States;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;
using WireSaFlags = Netipsec.PfKey.Wire.SaFlags;

namespace Netipsec.PfKey.Tests.Service;

/// <summary>
/// The seed's NATT_LOC and NATT_REM on ADD and UPDATE become the SA's <see cref="NatTraversalEncapsulation"/>: the
/// encapsulation's source port is this end's for an outbound SA and the peer's for an inbound one.
/// </summary>
public sealed class PfKeyServiceSeedNatTraversalTests
{
    private static readonly IpAddress PeerPrivate = IpAddress.Parse("10.9.0.2");

    private readonly ServiceHarness _harness = new();

    [Fact]
    public void AnOutboundSaSendsFromTheLocalPortToTheRemoteOne()
    {
        _harness.Succeeds(Add(WireSaFlags.Outbound, Address(Local, port: 4500), Address(Peer, port: 4501)));

        Assert.Equal(new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 4501), Installed().NatTraversal);

        // The reply shows it in Linux's form.
        PfKeyMessage reply = Parse(_harness.Sender.Received[^1]);
        Assert.True(reply.TryGetNatTPort(ExtensionType.NatTSport, out NatTPortExtension sourcePort));
        Assert.Equal(4500, sourcePort.Port);
    }

    [Fact]
    public void AnInboundSaArrivesFromTheRemotePortAndKeepsThePeersPrivateAddress()
    {
        // Inbound: SRC (Local) is the peer here and DST (Peer) this end.
        _harness.Succeeds(Add(WireSaFlags.Inbound, Address(Peer, port: 4500), Address(PeerPrivate, port: 1025)));

        Assert.Equal(new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 1025, 4500, PeerPrivate), Installed().NatTraversal);
    }

    [Fact]
    public void UnspecifiedAddressesCarryOnlyThePorts()
    {
        _harness.Succeeds(Add(WireSaFlags.Outbound, Address(IpAddress.AnyV4, 32, port: 4500), Address(IpAddress.AnyV4, 32, port: 4500)));

        Assert.Equal(new NatTraversalEncapsulation(NatTraversalType.EspInUdp, 4500, 4500), Installed().NatTraversal);
    }

    [Fact]
    public void AnUpdateChangesTheMapping()
    {
        _harness.Succeeds(Add(WireSaFlags.Outbound, Address(Local, port: 4500), Address(Peer, port: 4500)));

        _harness.Succeeds(Add(WireSaFlags.Outbound, Address(Local, port: 4500), Address(Peer, port: 6000), MessageType.Update));

        Assert.Equal(6000, Installed().NatTraversal!.DestinationPort);
    }

    private SecurityAssociation Installed()
    {
        Assert.Equal(SadStatus.Ok, _harness.Engine.States.Get(new SaId(Peer, 0x5000, IpsecProtocol.Esp), out SecurityAssociation? sa));
        return sa!;
    }

    private static byte[] Add(WireSaFlags flags, AddressExtension local, AddressExtension remote, MessageType type = MessageType.Add) =>
        Build(type, SaType.Esp, 1, (ref PfKeyMessageWriter writer) =>
        {
            AddIdentity(ref writer, 0x5000, flags: flags);
            Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey)));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressNattLoc, local));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressNattRem, remote));
        });
}

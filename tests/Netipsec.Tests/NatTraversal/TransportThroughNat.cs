using Microsoft.Extensions.Time.Testing;
using Netipsec.NatTraversal;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;
using Netipsec.Tests.States;

namespace Netipsec.Tests.NatTraversal;

/// <summary>
/// Host A (198.51.100.10) behind a NAPT box (public 192.0.2.1) talks to host B (192.0.2.20) with ESP in UDP in transport
/// mode. A's first IKE packet tells B the NAT's port. B knows A's original address as the NAT-OA of its inbound SA
/// (IKEv1's NAT-OA payload, RFC 3947 §5.2); A's inbound SA has none, B not being behind a NAT. Each side's policies
/// name the peer as it sees it: A talks to B, B to the NAT's public address.
/// </summary>
internal sealed class TransportThroughNat
{
    public const uint AToBSpi = 0x6001;
    public const uint BToASpi = 0x6002;
    public const ushort IkePort = NatTraversalEncapsulation.DefaultPort;

    public static readonly IpAddress NatPublic = IpAddress.Parse("192.0.2.1");
    public static readonly IpAddress AAddress = IpAddress.Parse("198.51.100.10");
    public static readonly IpAddress BAddress = IpAddress.Parse("192.0.2.20");

    public TransportThroughNat(bool originalAddressAtB = true)
    {
        Clock = SadTestData.NewClock();
        Network = new SimulatedNetwork();
        Nat = new SimulatedNat("nat", Network, NatPublic, IpPrefix.Parse("198.51.100.0/24"));
        A = new SimulatedHost("a", Network, Clock) { Gateway = Nat }.WithAddress(AAddress.ToString());
        B = new SimulatedHost("b", Network, Clock).WithAddress(BAddress.ToString());
        B.Engine.NatTraversal.IkeHandler = BIke;

        A.SendUnprotected(NatPackets.Ike(AAddress, IkePort, BAddress, IkePort));
        APublicPort = Assert.Single(BIke.Packets).Source.Port;

        HostToHost.ConfigurePolicies(A, AAddress, BAddress);
        HostToHost.ConfigurePolicies(B, BAddress, NatPublic);
        Assert.Equal(SadStatus.Ok, A.Engine.States.Add(Sa(AAddress, BAddress, AToBSpi, IkePort, IkePort, default)));
        Assert.Equal(SadStatus.Ok, A.Engine.States.Add(Sa(BAddress, AAddress, BToASpi, IkePort, IkePort, default)));
        Assert.Equal(SadStatus.Ok, B.Engine.States.Add(Sa(NatPublic, BAddress, AToBSpi, APublicPort, IkePort, originalAddressAtB ? AAddress : default)));
        Assert.Equal(SadStatus.Ok, B.Engine.States.Add(Sa(BAddress, NatPublic, BToASpi, IkePort, APublicPort, default)));
    }

    public FakeTimeProvider Clock { get; }

    public SimulatedNetwork Network { get; }

    public SimulatedNat Nat { get; }

    public SimulatedHost A { get; }

    public SimulatedHost B { get; }

    public IkeRecorder BIke { get; } = new();

    public ushort APublicPort { get; }

    public MibWatch Watch() => new(A, B);

    private static SecurityAssociation Sa(IpAddress source, IpAddress destination, uint spi, ushort sourcePort, ushort destinationPort, IpAddress original) =>
        new(new SaId(destination, spi, IpsecProtocol.Esp), source, XfrmMode.Transport)
        {
            ReqId = HostToHost.ReqId,
            Encryption = new SaAlgorithm(SiteToSite.AesGcm16, SiteToSite.KeyFor(spi)),
            ReplayWindowSize = 64,
            NatTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, sourcePort, destinationPort, original),
        };
}

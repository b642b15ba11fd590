namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// Two netipsecd gateways with an ESP-in-UDP tunnel (RFC 3948) through a <see cref="NatBox"/>: west knows east by its
/// own address, east knows west only by the NAT's public address and expects it on port 4500, which the NAT never
/// keeps; east follows the port it sees. Both send a keepalive every second.
/// </summary>
public sealed class NatPair : GatewayPair
{
    public const uint WestToEast = 0xa101;
    public const uint EastToWest = 0xa102;

    public NatPair()
        : this(new NatBox())
    {
    }

    private NatPair(NatBox box)
        : base(Setup(box)) => Box = box;

    internal NatBox Box { get; }

    private static GatewaySetup Setup(NatBox box)
    {
        PairTransform[] bundle = [PairTransform.EspGcmInUdp(WestToEast, EastToWest)];
        var westView = new PairConfig(NatBox.WestOuter, NatBox.EastOuter, "10.1.0.0/24", "10.2.0.0/24", "any", bundle);
        var eastView = new PairConfig(NatBox.Public, NatBox.EastOuter, "10.1.0.0/24", "10.2.0.0/24", "any", bundle);
        return new GatewaySetup("nat", westView.West, eastView.East)
        {
            NamespacePrefix = "nx-nat",
            DaemonOptions = ["--nat-keepalive", "1"],
            Link = NatBox.Tools.All(static tool => Prerequisites.Find(tool) is not null) ? box.Connect : null, // without them the tests skip
        };
    }
}

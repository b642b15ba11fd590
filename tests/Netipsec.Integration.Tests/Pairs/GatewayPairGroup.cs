namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// The gateway-pair tests run one class at a time: each class starts two daemons, and on a loaded machine pairs
/// starting in parallel only slow each other down.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GatewayPairGroup
{
    public const string Name = "gateway pairs";
}

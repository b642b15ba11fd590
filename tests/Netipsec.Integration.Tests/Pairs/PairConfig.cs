namespace Netipsec.Integration.Tests.Pairs;

/// <summary>
/// The setkey configurations of both gateways of a <see cref="GatewayPair"/>: a bundle of transforms (innermost
/// first, as setkey lists templates) between the outer addresses, protecting traffic between two selectors.
/// </summary>
internal sealed record PairConfig(string WestOuter, string EastOuter, string WestSelector, string EastSelector, string UpperProtocol, IReadOnlyList<PairTransform> Bundle)
{
    /// <summary>False leaves the SAs out: only the policies are configured, and key management must supply the SAs.</summary>
    public bool WithStates { get; init; } = true;

    public string West => Text(WestOuter, EastOuter, WestSelector, EastSelector, west: true);

    public string East => Text(EastOuter, WestOuter, EastSelector, WestSelector, west: false);

    private string Text(string localOuter, string remoteOuter, string localSelector, string remoteSelector, bool west)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"# netipsecd integration test: {localSelector} <-> {remoteSelector} over {localOuter} <-> {remoteOuter}");
        text.AppendLine("flush;").AppendLine("spdflush;");
        foreach (PairTransform transform in WithStates ? Bundle : [])
        {
            uint outbound = west ? transform.WestToEast : transform.EastToWest;
            uint inbound = west ? transform.EastToWest : transform.WestToEast;
            string port = transform.InUdp ? "[4500]" : string.Empty;
            text.AppendLine($"add {localOuter}{port} {remoteOuter}{port} {transform.Protocol} 0x{outbound:x} -m {transform.Mode} {transform.Algorithms(outbound)};");
            text.AppendLine($"add {remoteOuter}{port} {localOuter}{port} {transform.Protocol} 0x{inbound:x} -m {transform.Mode} {transform.Algorithms(inbound)};");
        }

        string outTemplates = string.Join(' ', Bundle.Select(transform => transform.Template(localOuter, remoteOuter, inbound: false)));
        string inTemplates = string.Join(' ', Bundle.Select(transform => transform.Template(remoteOuter, localOuter, inbound: true)));
        text.AppendLine($"spdadd {localSelector} {remoteSelector} {UpperProtocol} -P out ipsec {outTemplates};");
        text.AppendLine($"spdadd {remoteSelector} {localSelector} {UpperProtocol} -P in ipsec {inTemplates};");
        if (Bundle.Any(static transform => transform.Mode == "tunnel"))
        {
            text.AppendLine($"spdadd {remoteSelector} {localSelector} {UpperProtocol} -P fwd ipsec {inTemplates};");
        }

        return text.ToString();
    }

    /// <summary>The <see cref="GatewaySetup"/> running this configuration on both gateways.</summary>
    public GatewaySetup Setup(string name) => new(name, West, East);
}

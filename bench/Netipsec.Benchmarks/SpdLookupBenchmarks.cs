using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.Benchmarks;

/// <summary>
/// SPD lookup cost against the number of installed policies: the tuple-space <see cref="SecurityPolicyDatabase"/>
/// next to a linear scan of the same policies in the same precedence order (the baseline), for flows that match a
/// policy and flows that match none. The Ratio column shows how the SPD's growth stays below linear.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SpdLookupBenchmarks
{
    private const int FlowsPerInvoke = 64;
    private const int Seed = 4301;

    private readonly Flow[] _matchingFlows = new Flow[FlowsPerInvoke];
    private readonly Flow[] _missingFlows = new Flow[FlowsPerInvoke];
    private SecurityPolicyDatabase _spd = null!;
    private SecurityPolicy[] _linear = [];

    [Params(100, 1000, 10000, 100000)]
    public int Policies { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A fixed seed keeps every run on the same policy set; the randomness only spreads prefixes, not security.
        var random = new Random(Seed);
        _spd = new SecurityPolicyDatabase(TimeProvider.System);
        var installed = new List<SecurityPolicy>(Policies);
        while (installed.Count < Policies)
        {
            // Dst and src prefixes of /8 to /32 in steps of 4 (49 prefix-length pairs); first octets 1-223, so the
            // class E flows below match nothing. A quarter of the policies also select a destination port.
            var destination = new IpPrefix(IpAddress.FromIpv4(RandomUnicast(random)), 8 + (4 * random.Next(7)));
            var source = new IpPrefix(IpAddress.FromIpv4(RandomUnicast(random)), 8 + (4 * random.Next(7)));
            Selector selector = new(source, destination);
            if (random.Next(4) == 0)
            {
                selector = selector.WithPorts(0, (ushort)random.Next(1, 1024)) with { Protocol = IpProtocol.Tcp };
            }

            var policy = new SecurityPolicy(PolicyDirection.Out, selector, PolicyAction.Bypass) { Priority = (uint)random.Next(1000) };
            if (_spd.Add(policy) == SpdStatus.Ok)
            {
                installed.Add(policy);
            }
        }

        for (int i = 0; i < FlowsPerInvoke; i++)
        {
            Selector target = installed[random.Next(installed.Count)].Selector;
            _matchingFlows[i] = new Flow(
                Inside(target.Source, random),
                Inside(target.Destination, random),
                IpProtocol.Tcp,
                (ushort)random.Next(1024, 65536),
                target.DestinationPortMask == 0 ? (ushort)443 : target.DestinationPort);
            _missingFlows[i] = new Flow(
                IpAddress.FromIpv4(0xF0000000u | (uint)random.Next()),
                IpAddress.FromIpv4(0xF0000000u | (uint)random.Next()),
                IpProtocol.Udp,
                4500,
                4500);
        }

        // Dump lists the policies in lookup precedence, so the first match of a scan is the right answer.
        _linear = [.. _spd.Dump()];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FlowsPerInvoke)]
    [BenchmarkCategory("Matching")]
    public int LinearScanMatching() => ScanAll(_matchingFlows);

    [Benchmark(OperationsPerInvoke = FlowsPerInvoke)]
    [BenchmarkCategory("Matching")]
    public int SpdLookupMatching() => LookupAll(_matchingFlows);

    [Benchmark(Baseline = true, OperationsPerInvoke = FlowsPerInvoke)]
    [BenchmarkCategory("Missing")]
    public int LinearScanMissing() => ScanAll(_missingFlows);

    [Benchmark(OperationsPerInvoke = FlowsPerInvoke)]
    [BenchmarkCategory("Missing")]
    public int SpdLookupMissing() => LookupAll(_missingFlows);

    private int LookupAll(Flow[] flows)
    {
        int found = 0;
        foreach (Flow flow in flows)
        {
            if (_spd.Lookup(PolicyDirection.Out, flow) is not null)
            {
                found++;
            }
        }

        return found;
    }

    private int ScanAll(Flow[] flows)
    {
        int found = 0;
        foreach (Flow flow in flows)
        {
            foreach (SecurityPolicy policy in _linear)
            {
                if (policy.Selector.Matches(flow))
                {
                    found++;
                    break;
                }
            }
        }

        return found;
    }

    private static uint RandomUnicast(Random random) => ((uint)random.Next(1, 224) << 24) | (uint)random.Next(1 << 24);

    /// <summary>A random address inside the prefix.</summary>
    private static IpAddress Inside(IpPrefix prefix, Random random)
    {
        uint hostBits = prefix.Length == 32 ? 0u : uint.MaxValue >> prefix.Length;
        return IpAddress.FromIpv4(prefix.Address.ToIpv4() | ((uint)random.Next() & hostBits));
    }
}

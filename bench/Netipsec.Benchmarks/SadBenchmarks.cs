using BenchmarkDotNet.Attributes;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Benchmarks;

/// <summary>
/// SAD lookups with a million SAs installed (the scale DESIGN.md asks for), and adds into that full database.
/// Lookups walk a fixed random sample so they do not all hit the same cache lines.
/// </summary>
[MemoryDiagnoser]
public class SadBenchmarks
{
    private const int Installed = 1_000_000;
    private const int Added = 100_000;
    private const int Sample = 1024;
    private const uint FirstSpi = 0x1000;

    private static readonly IpAddress Source = IpAddress.Parse("192.0.2.1");

    private readonly IpAddress[] _sampleDestinations = new IpAddress[Sample];
    private readonly uint[] _sampleSpis = new uint[Sample];
    private readonly uint[] _sampleReqIds = new uint[Sample];
    private SecurityAssociationDatabase _database = null!;
    private SecurityAssociation[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        _database = new SecurityAssociationDatabase(TimeProvider.System, spiRandom: new Random(1));
        for (int i = 0; i < Installed; i++)
        {
            if (_database.Add(Numbered(i)) != SadStatus.Ok)
            {
                throw new InvalidOperationException($"Setup could not add SA {i}.");
            }
        }

        var random = new Random(2);
        for (int i = 0; i < Sample; i++)
        {
            int index = random.Next(Installed);
            _sampleDestinations[i] = Destination(index);
            _sampleSpis[i] = FirstSpi + (uint)index;
            _sampleReqIds[i] = ReqId(index);
        }
    }

    [Benchmark(OperationsPerInvoke = Sample)]
    public int TryLookupBySpi()
    {
        int found = 0;
        for (int i = 0; i < Sample; i++)
        {
            if (_database.TryLookupBySpi(_sampleDestinations[i], _sampleSpis[i], IpsecProtocol.Esp, out _))
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Sample)]
    public int FindOutbound()
    {
        int found = 0;
        for (int i = 0; i < Sample; i++)
        {
            if (_database.FindOutbound(_sampleDestinations[i], Source, IpsecProtocol.Esp, XfrmMode.Tunnel, _sampleReqIds[i]) is not null)
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Sample)]
    public int FindOutboundAnyReqId()
    {
        int found = 0;
        for (int i = 0; i < Sample; i++)
        {
            if (_database.FindOutbound(_sampleDestinations[i], Source, IpsecProtocol.Esp, XfrmMode.Tunnel, 0) is not null)
            {
                found++;
            }
        }

        return found;
    }

    [IterationSetup(Target = nameof(Add))]
    public void PrepareBatch()
    {
        _batch = new SecurityAssociation[Added];
        for (int i = 0; i < Added; i++)
        {
            _batch[i] = Numbered(Installed + i);
        }
    }

    /// <summary>Adds 100k SAs to the database that already holds a million.</summary>
    [Benchmark(OperationsPerInvoke = Added)]
    public int Add()
    {
        int added = 0;
        foreach (SecurityAssociation sa in _batch)
        {
            if (_database.Add(sa) == SadStatus.Ok)
            {
                added++;
            }
        }

        return added;
    }

    [IterationCleanup(Target = nameof(Add))]
    public void RemoveBatch()
    {
        foreach (SecurityAssociation sa in _batch)
        {
            _database.Delete(sa.Id);
        }
    }

    private static IpAddress Destination(int index) => IpAddress.FromIpv4(0x0A000000u + (uint)index);

    private static uint ReqId(int index) => (uint)(index % 1000) + 1;

    // NULL encryption keeps a million SAs free of key buffers; the indices and SA objects are what is measured.
    private static SecurityAssociation Numbered(int index) =>
        new(new SaId(Destination(index), FirstSpi + (uint)index, IpsecProtocol.Esp), Source, XfrmMode.Tunnel)
        {
            ReqId = ReqId(index),
            Encryption = SaAlgorithm.WithoutKey(11),
            ReplayWindowSize = 32,
        };
}

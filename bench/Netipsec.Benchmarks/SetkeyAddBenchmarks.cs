using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Netipsec.Engine;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Setkey;
using Netipsec.Transforms;

namespace Netipsec.Benchmarks;

/// <summary>
/// SADB_ADD throughput in-process: one setkey <c>add</c> compiled once, then sent again and again with a new SPI
/// each time — straight into <see cref="PfKeyService.Process"/> (the reply goes to a discarding client), and
/// through an <see cref="InProcessPfKeyChannel"/> with the reply read back as setkey would. Each iteration starts
/// from an empty SAD.
/// </summary>
[MemoryDiagnoser]
public class SetkeyAddBenchmarks : IDisposable
{
    private const int Added = 20_000;

    /// <summary>Where the SPI sits: after the 16-byte base header and the SA extension's own 4-byte header.</summary>
    private const int SpiOffset = 16 + 4;

    private readonly byte[] _reply = new byte[PfKeyChannelLimits.MaxMessageLength];
    private byte[] _request = [];
    private PfKeyService _service = null!;
    private PfKeyClient _client = null!;
    private InProcessPfKeyChannel? _channel;

    [GlobalSetup]
    public void Compile()
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile("add 192.0.2.1 192.0.2.2 esp 0x1000 -m tunnel -E aes-gcm-16 0x000102030405060708090a0b0c0d0e0f10111213;");
        _request = compilation.Statements[0].Request.ToArray();
    }

    [IterationSetup]
    public void FreshService()
    {
        _channel?.Dispose();
        _service = new PfKeyService(new XfrmEngine(TimeProvider.System, XfrmTypeRegistry.CreateDefault()));
        _client = new PfKeyClient(1, static _ => { });
        _service.Attach(_client);
        _channel = new InProcessPfKeyChannel(_service);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _channel?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Added)]
    public int AddThroughProcess()
    {
        int added = 0;
        for (uint i = 0; i < Added; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_request.AsSpan(SpiOffset), 0x1000 + i);
            if (_service.Process(_client, _request).IsSuccess)
            {
                added++;
            }
        }

        return added;
    }

    [Benchmark(OperationsPerInvoke = Added)]
    public int AddThroughChannel()
    {
        int added = 0;
        for (uint i = 0; i < Added; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_request.AsSpan(SpiOffset), 0x1000 + i);
            _channel!.Send(_request);
            if (_channel.Receive(_reply, TimeSpan.FromSeconds(1)) > 0 && _reply[2] == 0)
            {
                added++;
            }
        }

        return added;
    }
}

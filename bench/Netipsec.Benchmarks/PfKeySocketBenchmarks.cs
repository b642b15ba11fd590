using BenchmarkDotNet.Attributes;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Sockets;
using Netipsec.PfKey.Wire;
using Netipsec.Transforms;

namespace Netipsec.Benchmarks;

/// <summary>
/// SADB_ADD per second: straight <see cref="PfKeyService.Process"/>, and the whole way over the PF_KEY socket
/// (client → <see cref="PfKeySocketServer"/> → service → reply → client), one request at a time and with up to
/// <see cref="Window"/> requests in flight. Each invocation adds <see cref="Batch"/> AES-GCM ESP SAs of distinct
/// SPIs to an emptied SAD.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases them in [GlobalCleanup].")]
public class PfKeySocketBenchmarks
{
    private const int Batch = 1000;
    private const int Window = 128;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);
    private static readonly byte[] GcmKey = new byte[20];

    private readonly byte[][] _adds = new byte[Batch][];
    private readonly byte[] _reply = new byte[PfKeyChannelLimits.MaxMessageLength];
    private XfrmEngine _engine = null!;
    private PfKeyService _service = null!;
    private PfKeyClient _inProcess = null!;
    private string _directory = null!;
    private PfKeySocketServer _server = null!;
    private PfKeySocket _socket = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new XfrmEngine(TimeProvider.System, XfrmTypeRegistry.CreateDefault());
        _service = new PfKeyService(_engine);
        _inProcess = new PfKeyClient(0, static _ => { });
        _directory = Directory.CreateTempSubdirectory("netipsec-pfsock-bench-").FullName;
        _server = new PfKeySocketServer(_service, Path.Combine(_directory, "pfkey.sock"), OwnUserId());
        _socket = PfKeySocket.Connect(_server.Path);
        for (int i = 0; i < Batch; i++)
        {
            _adds[i] = Add(0x1000 + (uint)i);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _socket.Dispose();
        _server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int InProcess()
    {
        _engine.States.Flush(null);
        int added = 0;
        foreach (byte[] add in _adds)
        {
            added += _service.Process(_inProcess, add).IsSuccess ? 1 : 0;
        }

        return Check(added);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int SocketRoundTrip()
    {
        _engine.States.Flush(null);
        int added = 0;
        foreach (byte[] add in _adds)
        {
            _socket.Send(add);
            added += ReceiveReply();
        }

        return Check(added);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int SocketPipelined()
    {
        _engine.States.Flush(null);
        int sent = 0;
        int added = 0;
        while (added < Batch)
        {
            while (sent < Batch && sent - added < Window)
            {
                _socket.Send(_adds[sent++]);
            }

            added += ReceiveReply();
        }

        return Check(added);
    }

    private int ReceiveReply()
    {
        int length = _socket.Receive(_reply, ReplyTimeout);
        return length > 0 && _reply[2] == 0 ? 1 : throw new InvalidOperationException("An ADD failed or its reply did not come.");
    }

    private static int Check(int added) => added == Batch ? added : throw new InvalidOperationException($"Only {added} of {Batch} ADDs succeeded.");

    private static byte[] Add(uint spi)
    {
        var buffer = new byte[512];
        PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(MessageType.Add, SaType.Esp, spi, 1), out PfKeyMessageWriter writer);
        writer.TryAddSa(new SaExtension(spi, 32, SaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.AesGcmIcv16, SaFlags.None));
        writer.TryAddAddress(ExtensionType.AddressSrc, new AddressExtension(IpsecConstants.UlProtoAny, 32, new Sockaddr(IpAddress.Parse("192.0.2.1"))));
        writer.TryAddAddress(ExtensionType.AddressDst, new AddressExtension(IpsecConstants.UlProtoAny, 32, new Sockaddr(IpAddress.Parse("192.0.2.2"))));
        writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(GcmKey));
        return writer.Message.ToArray();
    }

    // The server serves this process's own user id, so the benchmark needs no root.
    private static uint OwnUserId() =>
        uint.Parse(File.ReadLines("/proc/self/status").First(static l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
}

using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Netipsec.Crypto;
using Netipsec.Crypto.IntelIpsecMb;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.Transforms;

namespace Netipsec.Benchmarks;

/// <summary>
/// The whole ESP tunnel path, gateway to gateway: XfrmOutput on one engine (policy via the flow cache, bundle,
/// tunnel mode, AES-GCM-128 seal) and XfrmInput on the other (SA lookup, replay, open, tunnel decap, inbound policy
/// check), per packet, on each crypto engine (portable, and intel-ipsec-mb first where it loads), against the bare
/// AEAD seal + open of the same payload: .NET's AesGcm, and the raw call into the intel-ipsec-mb shim.
/// </summary>
/// <remarks>
/// Two shapes of the same work. Packet by packet, each packet goes out and straight back in, so one core runs both
/// directions' code for every packet. In batches, as netipsecd runs it (a TUN or socket read of a batch, each packet
/// through the engine, on one thread per direction), 32 packets go out and then the 32 come in; its raw baseline seals
/// 32 buffers and then opens them. Both report time per packet.
/// </remarks>
[MemoryDiagnoser]
#pragma warning disable CA1063 // BenchmarkDotNet needs an unsealed class; nothing derives from it.
public unsafe class EspPathBenchmarks : IDisposable
#pragma warning restore CA1063
{
    private const int Batch = 32;

    private readonly PacketCatcher _wire = new();
    private readonly PacketCatcher _delivered = new();
    private readonly Packet[] _batch = new Packet[Batch];
    private SiteToSiteScenario _scenario = null!;
    private XfrmOutput _westOutput = null!;
    private XfrmInput _eastInput = null!;
    private PacketPool _pool = null!;
    private byte[] _innerPacket = null!;
    private AesGcm _aead = null!;
    private byte[] _buffer = null!;
    private byte[] _tag = null!;
    private byte[][] _batchBuffers = null!;
    private byte[][] _batchTags = null!;
    private NativeKeySchedule? _nativeKey;
    private void* _nativeSchedule;

    [Params(64, 512, 1400)]
    public int PacketSize { get; set; }

    /// <summary>The gateways' crypto: "portable" alone, or "intel-ipsec-mb" before the portable fallback.</summary>
    [ParamsSource(nameof(Engines))]
    public string Engine { get; set; } = PortableCryptoEngine.EngineName;

    public static IEnumerable<string> Engines => CryptoEngines.Default.Select(engine => engine.Name).Reverse();

    [GlobalSetup]
    public void Setup()
    {
        XfrmTypeRegistry? types = Engine == PortableCryptoEngine.EngineName ? null : CryptoEngines.CreateRegistry();
        _scenario = new SiteToSiteScenario(TimeProvider.System, gatewayTypes: types);
        if (_scenario.InstallPolicies() != Policies.SpdStatus.Ok || _scenario.InstallStates(replayWindow: 1024) != States.SadStatus.Ok)
        {
            throw new InvalidOperationException("The benchmark scenario was refused.");
        }

        // Engines wired to catchers instead of the simulated network, so only the engine is measured.
        _westOutput = new XfrmOutput(_scenario.WestGateway.Engine, _wire);
        _eastInput = new XfrmInput(_scenario.EastGateway.Engine, _delivered, _ => false);
        _pool = new PacketPool(4 * Batch, diagnostics: false);
        _innerPacket = Traffic.Udp(_scenario.WestHostAddress, _scenario.EastHostAddress, 5000, 53, PacketSize - 28);
        byte[] key = SiteToSiteScenario.DemoKey(SiteToSiteScenario.WestToEastSpi);
        _aead = new AesGcm(key.AsSpan(0, 16), 16);
        _buffer = new byte[PacketSize];
        _tag = new byte[16];
        _batchBuffers = [.. Enumerable.Range(0, Batch).Select(_ => new byte[PacketSize])];
        _batchTags = [.. Enumerable.Range(0, Batch).Select(_ => new byte[16])];
        if (IntelIpsecMbEngine.IsAvailable
            && NativeKeySchedule.TryCreate(NativePrimitive.AesGcm, key.AsSpan(0, 16), key.AsSpan(16, 4), 16, out _nativeKey) == NativeStatus.Ok)
        {
            _nativeKey!.TryEnter(out _nativeSchedule); // held until cleanup: the raw call skips the key object on purpose
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _aead?.Dispose();
        if (_nativeKey is not null)
        {
            _nativeKey.Exit();
            _nativeKey.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "AesGcm seal+open (bare)")]
    public void BareAead()
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> aad = stackalloc byte[8];
        _aead.Encrypt(nonce, _innerPacket, _buffer, _tag, aad);
        _aead.Decrypt(nonce, _buffer, _tag, _buffer, aad);
    }

    [Benchmark(Description = "intel-ipsec-mb GCM seal+open (raw shim)")]
    public void RawNativeAead()
    {
        // In place, as the ESP path works: the payload is copied into the buffer first, as the path copies it into a packet.
        _innerPacket.CopyTo(_buffer, 0);
        RawNative(forward: true, _buffer, _tag);
        RawNative(forward: false, _buffer, _tag);
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "intel-ipsec-mb GCM seal+open, batches of 32 (raw shim)")]
    public void RawNativeAeadBatched()
    {
        for (int i = 0; i < Batch; i++)
        {
            _innerPacket.CopyTo(_batchBuffers[i], 0);
            RawNative(forward: true, _batchBuffers[i], _batchTags[i]);
        }

        for (int i = 0; i < Batch; i++)
        {
            RawNative(forward: false, _batchBuffers[i], _batchTags[i]);
        }
    }

    [Benchmark(Description = "ESP tunnel: XfrmOutput + XfrmInput")]
    public void TunnelPath()
    {
        Packet packet = _pool.Rent();
        _innerPacket.CopyTo(packet.Put(_innerPacket.Length));
        if (_westOutput.Output(packet) != XfrmVerdict.Passed || _eastInput.Input(_wire.Take()) != XfrmVerdict.Passed)
        {
            throw new InvalidOperationException("A benchmark packet was dropped.");
        }

        Packet delivered = _delivered.Take();
        delivered.Pool.Return(delivered);
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ESP tunnel, batches of 32: XfrmOutput x32, XfrmInput x32")]
    public void TunnelPathBatched()
    {
        for (int i = 0; i < Batch; i++)
        {
            Packet packet = _pool.Rent();
            _innerPacket.CopyTo(packet.Put(_innerPacket.Length));
            if (_westOutput.Output(packet) != XfrmVerdict.Passed)
            {
                throw new InvalidOperationException("A benchmark packet was dropped on output.");
            }

            _batch[i] = _wire.Take();
        }

        for (int i = 0; i < Batch; i++)
        {
            if (_eastInput.Input(_batch[i]) != XfrmVerdict.Passed)
            {
                throw new InvalidOperationException("A benchmark packet was dropped on input.");
            }

            Packet delivered = _delivered.Take();
            delivered.Pool.Return(delivered);
        }
    }

    private void RawNative(bool forward, byte[] buffer, byte[] tagBuffer)
    {
        if (_nativeSchedule is null)
        {
            throw new InvalidOperationException($"intel-ipsec-mb is unavailable: {IntelIpsecMbEngine.UnavailableReason}");
        }

        byte* nonce = stackalloc byte[8];
        byte* aad = stackalloc byte[8];
        fixed (byte* data = buffer)
        fixed (byte* tag = tagBuffer)
        {
            NativeShim.Call(NativeShim.QuickLimit, _nativeSchedule, forward ? 1 : 0, nonce, aad, 8, data, (ulong)buffer.Length, tag);
        }
    }

    /// <summary>Holds the one packet an engine just handed over.</summary>
    private sealed class PacketCatcher : IXfrmOutputSink, IXfrmInputSink
    {
        private Packet? _packet;

        public Packet Take()
        {
            Packet packet = _packet ?? throw new InvalidOperationException("No packet was handed over.");
            _packet = null;
            return packet;
        }

        public void Transmit(Packet packet) => _packet = packet;

        public void ReturnToSender(Packet icmpError) => icmpError.Pool.Return(icmpError);

        public void Deliver(Packet packet) => _packet = packet;
    }
}

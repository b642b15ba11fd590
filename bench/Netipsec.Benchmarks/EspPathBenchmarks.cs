using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Benchmarks;

/// <summary>
/// The whole ESP tunnel path, gateway to gateway: XfrmOutput on one engine (policy via the flow cache, bundle,
/// tunnel mode, AES-GCM-128 seal) and XfrmInput on the other (SA lookup, replay, open, tunnel decap, inbound policy
/// check), per packet, against the bare AEAD seal + open of the same payload as the baseline.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1063 // BenchmarkDotNet needs an unsealed class; nothing derives from it.
public class EspPathBenchmarks : IDisposable
#pragma warning restore CA1063
{
    private readonly PacketCatcher _wire = new();
    private readonly PacketCatcher _delivered = new();
    private SiteToSiteScenario _scenario = null!;
    private XfrmOutput _westOutput = null!;
    private XfrmInput _eastInput = null!;
    private PacketPool _pool = null!;
    private byte[] _innerPacket = null!;
    private AesGcm _aead = null!;
    private byte[] _buffer = null!;
    private byte[] _tag = null!;

    [Params(64, 512, 1400)]
    public int PacketSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _scenario = new SiteToSiteScenario(TimeProvider.System);
        if (_scenario.InstallPolicies() != Policies.SpdStatus.Ok || _scenario.InstallStates(replayWindow: 1024) != States.SadStatus.Ok)
        {
            throw new InvalidOperationException("The benchmark scenario was refused.");
        }

        // Engines wired to catchers instead of the simulated network, so only the engine is measured.
        _westOutput = new XfrmOutput(_scenario.WestGateway.Engine, _wire);
        _eastInput = new XfrmInput(_scenario.EastGateway.Engine, _delivered, _ => false);
        _pool = new PacketPool(64, diagnostics: false);
        _innerPacket = Traffic.Udp(_scenario.WestHostAddress, _scenario.EastHostAddress, 5000, 53, PacketSize - 28);
        _aead = new AesGcm(SiteToSiteScenario.DemoKey(SiteToSiteScenario.WestToEastSpi).AsSpan(0, 16), 16);
        _buffer = new byte[PacketSize];
        _tag = new byte[16];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _aead?.Dispose();
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

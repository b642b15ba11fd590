using BenchmarkDotNet.Attributes;
using Netipsec.States;

namespace Netipsec.Benchmarks;

/// <summary>
/// The per-packet anti-replay cost on the Rx path: Check before the ICV, Advance after it. Each invocation handles a
/// batch of <see cref="Batch"/> packets, so results are per packet.
/// </summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    private const int Batch = 1024;

    private ReplayWindow _inOrder = null!;
    private ReplayWindow _outOfOrder = null!;
    private ReplayWindow _replayed = null!;
    private ulong _inOrderNext;
    private ulong _outOfOrderBase;
    private int[] _reorder = null!; // offsets inside a batch: runs of half a window, each run backwards

    [Params(64, 4096)]
    public int WindowSize { get; set; }

    [Params(false, true)]
    public bool Esn { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _inOrder = new ReplayWindow(WindowSize, Esn);
        _outOfOrder = new ReplayWindow(WindowSize, Esn);
        _replayed = new ReplayWindow(WindowSize, Esn);
        // With ESN start just below 2^32 so the in-order runs cross a subspace boundary early.
        _inOrderNext = Esn ? (1UL << 32) - Batch : 1;
        _outOfOrderBase = _inOrderNext - 1;

        int run = Math.Min(WindowSize / 2, Batch);
        _reorder = new int[Batch];
        for (int i = 0; i < Batch; i++)
        {
            int runStart = i / run * run;
            _reorder[i] = runStart + (run - 1 - (i - runStart));
        }

        for (ulong sequence = 1; sequence <= (ulong)WindowSize; sequence++)
        {
            _replayed.Advance((uint)sequence, 0);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int InOrder()
    {
        ReplayWindow window = _inOrder;
        ulong next = _inOrderNext;
        if (!Esn && next > uint.MaxValue - Batch)
        {
            // Without ESN a real SA would be rekeyed here; start a fresh one so the measured path stays the same.
            window = _inOrder = new ReplayWindow(WindowSize, Esn);
            next = 1;
        }

        int accepted = 0;
        for (int i = 0; i < Batch; i++, next++)
        {
            accepted += CheckAndAdvance(window, (uint)next);
        }

        _inOrderNext = next;
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int OutOfOrderWithinWindow()
    {
        ReplayWindow window = _outOfOrder;
        ulong first = _outOfOrderBase + 1;
        if (!Esn && first > uint.MaxValue - Batch)
        {
            window = _outOfOrder = new ReplayWindow(WindowSize, Esn);
            first = 1;
        }

        int accepted = 0;
        int[] reorder = _reorder;
        for (int i = 0; i < reorder.Length; i++)
        {
            accepted += CheckAndAdvance(window, (uint)(first + (ulong)reorder[i]));
        }

        _outOfOrderBase = first + Batch - 1;
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Replayed()
    {
        // A replayed packet is dropped at Check; Advance is never reached.
        ReplayWindow window = _replayed;
        uint size = (uint)WindowSize;
        int replayed = 0;
        for (uint i = 0; i < Batch; i++)
        {
            if (window.Check(size - (i % size), out _) == ReplayVerdict.Replayed)
            {
                replayed++;
            }
        }

        return replayed;
    }

    private static int CheckAndAdvance(ReplayWindow window, uint low)
    {
        if (window.Check(low, out uint high) != ReplayVerdict.Accepted)
        {
            return 0;
        }

        return window.Advance(low, high) == ReplayVerdict.Accepted ? 1 : 0;
    }
}

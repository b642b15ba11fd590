using System.Diagnostics;
using System.Globalization;
using Netipsec.Crypto.IntelIpsecMb;

namespace Netipsec.Benchmarks;

/// <summary>
/// The ESP path against the raw intel-ipsec-mb call, timed the way that stays steady on a small, shared machine: after
/// a warm-up long enough for the JIT's tiering, the benchmarks take turns in short batches and each keeps its fastest
/// batch, so a noisy moment costs both sides alike and the ratio holds. Run with <c>-- --steady</c>.
/// </summary>
internal static class EspPathSteadyTiming
{
    private const int Rounds = 25;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1.5);

    public static int Run(TextWriter output)
    {
        if (!IntelIpsecMbEngine.IsAvailable)
        {
            output.WriteLine($"intel-ipsec-mb is unavailable: {IntelIpsecMbEngine.UnavailableReason}");
            return 1;
        }

        output.WriteLine("size  raw seal+open  ESP out+in  ratio | batches of 32: raw  ESP  ratio   (ns per packet, fastest of 25 batches)");
        foreach (int size in new[] { 64, 512, 1400 })
        {
            using var benchmark = new EspPathBenchmarks { PacketSize = size, Engine = IntelIpsecMbEngine.EngineName };
            benchmark.Setup();
            (Action Run, int Packets)[] contenders =
            [
                (benchmark.RawNativeAead, 1),
                (benchmark.TunnelPath, 1),
                (benchmark.RawNativeAeadBatched, 32),
                (benchmark.TunnelPathBatched, 32),
            ];
            double[] fastest = Measure(contenders);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{size,4}  {fastest[0],13:F0}  {fastest[1],10:F0}  {fastest[1] / fastest[0],5:F2} | {fastest[2],20:F0}  {fastest[3],3:F0}  {fastest[3] / fastest[2],5:F2}"));
        }

        return 0;
    }

    private static double[] Measure((Action Run, int Packets)[] contenders)
    {
        foreach ((Action run, _) in contenders)
        {
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed < WarmUp)
            {
                run();
            }
        }

        double[] fastest = [.. contenders.Select(_ => double.MaxValue)];
        for (int round = 0; round < Rounds; round++)
        {
            for (int i = 0; i < contenders.Length; i++)
            {
                (Action run, int packets) = contenders[i];
                int calls = 10_000 / packets;
                long start = Stopwatch.GetTimestamp();
                for (int call = 0; call < calls; call++)
                {
                    run();
                }

                double perPacket = Stopwatch.GetElapsedTime(start).TotalNanoseconds / (calls * packets);
                fastest[i] = Math.Min(fastest[i], perPacket);
            }
        }

        return fastest;
    }
}

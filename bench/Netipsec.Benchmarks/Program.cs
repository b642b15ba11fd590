using BenchmarkDotNet.Running;
using Netipsec.Benchmarks;

if (args is ["--steady"])
{
    return EspPathSteadyTiming.Run(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

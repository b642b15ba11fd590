using Netipsec.Fuzz;
using SharpFuzz;

// netipsec fuzz targets, run under AFL++ by fuzz/run.sh:
//   Netipsec.Fuzz <target>               read inputs from AFL (instrumented build)
//   Netipsec.Fuzz <target> seeds <dir>   write the target's seed inputs into dir
//   Netipsec.Fuzz <target> replay <dir>  run every file of dir once, uninstrumented (to reproduce a crash)
IFuzzTarget[] targets = [new PacketFuzzTarget(), new EspInputFuzzTarget()];

IFuzzTarget? target = args.Length > 0 ? Array.Find(targets, t => t.Name == args[0]) : null;
if (target is null)
{
    Console.Error.WriteLine($"usage: Netipsec.Fuzz <{string.Join('|', targets.Select(t => t.Name))}> [seeds|replay <dir>]");
    return 2;
}

if (args.Length == 3 && args[1] == "seeds")
{
    Directory.CreateDirectory(args[2]);
    int index = 0;
    foreach (byte[] seed in target.Seeds())
    {
        File.WriteAllBytes(Path.Combine(args[2], $"seed{index++}"), seed);
    }

    return 0;
}

if (args.Length == 3 && args[1] == "replay")
{
    foreach (string file in Directory.EnumerateFiles(args[2]))
    {
        target.Run(File.ReadAllBytes(file));
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;

using Netipsec.Fuzz;
using SharpFuzz;

// netipsec fuzz targets, run under AFL++ by fuzz/run.sh:
//   Netipsec.Fuzz <target>               read inputs from AFL (instrumented build)
//   Netipsec.Fuzz <target> seeds <dir>   write the target's seed inputs into dir
//   Netipsec.Fuzz <target> replay <dir>  run every file of dir once, uninstrumented (to reproduce a crash)
// Targets are made only when chosen, and under AFL only once the fuzzer runs: instrumented code executed before
// that finds no coverage map and crashes the fork server.
var targets = new Dictionary<string, Func<IFuzzTarget>>
{
    ["packet"] = () => new PacketFuzzTarget(),
    ["esp"] = () => new EspInputFuzzTarget(),
    ["input"] = () => new InputPathFuzzTarget(),
    ["pfkey"] = () => new PfKeyFuzzTarget(),
    ["pcap"] = () => new PcapFuzzTarget(),
    ["setkey"] = () => new SetkeyFuzzTarget(),
};

if (args.Length == 0 || !targets.TryGetValue(args[0], out Func<IFuzzTarget>? create))
{
    Console.Error.WriteLine($"usage: Netipsec.Fuzz <{string.Join('|', targets.Keys)}> [seeds|replay <dir>]");
    return 2;
}

if (args.Length == 3 && args[1] == "seeds")
{
    Directory.CreateDirectory(args[2]);
    int index = 0;
    foreach (byte[] seed in create().Seeds())
    {
        File.WriteAllBytes(Path.Combine(args[2], $"seed{index++}"), seed);
    }

    return 0;
}

if (args.Length == 3 && args[1] == "replay")
{
    IFuzzTarget replayed = create();
    foreach (string file in Directory.EnumerateFiles(args[2]))
    {
        replayed.Run(File.ReadAllBytes(file));
    }

    return 0;
}

IFuzzTarget? target = null;
Fuzzer.OutOfProcess.Run(stream =>
{
    target ??= create();
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;

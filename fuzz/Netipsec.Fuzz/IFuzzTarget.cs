namespace Netipsec.Fuzz;

/// <summary>One parser under fuzzing: any input must end in a status, never an exception (which AFL reports as a crash).</summary>
internal interface IFuzzTarget
{
    void Run(ReadOnlySpan<byte> input);

    /// <summary>Valid inputs the fuzzer starts from.</summary>
    IEnumerable<byte[]> Seeds();
}

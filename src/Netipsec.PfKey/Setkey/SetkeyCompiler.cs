namespace Netipsec.PfKey.Setkey;

/// <summary>
/// Compiles the setkey(8) language to PF_KEY v2 requests: <c>add</c>, <c>get</c>, <c>delete</c>, <c>deleteall</c>,
/// <c>flush</c>, <c>dump</c>, <c>spdadd</c>, <c>spdupdate</c>, <c>spddelete</c>, <c>spdflush</c> and
/// <c>spddump</c>, each ending with ';' and free to span lines, with <c>#</c> comments. Algorithm names are those of
/// <see cref="Netipsec.Crypto.AlgorithmTable"/>; keys are <c>0x</c> hex or "quoted" text.
/// </summary>
/// <remarks>
/// The whole input is compiled before anything could be applied, and every error is reported with its line and
/// column, what was expected and what was found. Keys are checked against their algorithm's sizes here, so a
/// compiled <c>add</c> is refused by the service only for reasons of state (an SA that exists, an algorithm no
/// engine runs). Error messages never quote a key. Thread-safe: no shared state.
/// </remarks>
public static class SetkeyCompiler
{
    /// <param name="source">The statements.</param>
    /// <param name="sourceName">Names the input in error messages (a file name, "-" for standard input), or null.</param>
    public static SetkeyCompilation Compile(string source, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var errors = new List<SetkeyError>();
        var statements = new List<SetkeyStatement>();
        List<SetkeyToken> tokens = SetkeyLexer.Tokenize(source, errors, sourceName);
        new SetkeyParser(tokens, sourceName).Parse(statements, errors);
        errors.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
        return new SetkeyCompilation(sourceName, statements, errors);
    }
}

namespace Netipsec.PfKey.Setkey;

/// <summary>One error in setkey input: where it is (1-based line and column) and what was wrong.</summary>
/// <param name="SourceName">The input's name (a file name, or "-" for standard input); null when unnamed.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column, counting characters.</param>
/// <param name="Message">What was expected and what was found, without key material.</param>
public sealed record SetkeyError(string? SourceName, int Line, int Column, string Message)
{
    /// <summary>The compiler convention: <c>name:line:col: message</c> (<c>line:col: message</c> without a name).</summary>
    public override string ToString() =>
        SourceName is null ? $"{Line}:{Column}: {Message}" : $"{SourceName}:{Line}:{Column}: {Message}";
}

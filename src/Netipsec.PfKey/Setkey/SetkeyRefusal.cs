using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Setkey;

/// <summary>A statement the service refused (or did not answer), with where it was written.</summary>
/// <param name="SourceName">The input's name, or null.</param>
/// <param name="Line">The statement's 1-based line.</param>
/// <param name="Column">The statement's 1-based column.</param>
/// <param name="Statement">The statement's keyword (add, spdadd ...).</param>
/// <param name="Errno">The reply's errno (<see cref="PfKeyErrno.None"/> when no reply came).</param>
/// <param name="Diagnostic">The reply's diagnostic.</param>
/// <param name="Message">The refusal in words.</param>
public sealed record SetkeyRefusal(string? SourceName, int Line, int Column, string Statement, PfKeyErrno Errno, PfKeyDiagnostic Diagnostic, string Message)
{
    /// <summary><c>name:line:col: add: File exists (EEXIST)</c>, like a compile error.</summary>
    public override string ToString() =>
        SourceName is null ? $"{Line}:{Column}: {Statement}: {Message}" : $"{SourceName}:{Line}:{Column}: {Statement}: {Message}";
}

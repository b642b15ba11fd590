using System.Collections.ObjectModel;

namespace Netipsec.PfKey.Setkey;

/// <summary>
/// The result of compiling setkey input: every statement's PF_KEY request, or every error found. Nothing is sent
/// by compiling, so input with any error can be refused whole before anything changes.
/// </summary>
/// <remarks>Requests of <c>add</c> statements hold keys: dispose the compilation once they are sent to zero them.</remarks>
public sealed class SetkeyCompilation : IDisposable
{
    internal SetkeyCompilation(string? sourceName, IList<SetkeyStatement> statements, IList<SetkeyError> errors)
    {
        SourceName = sourceName;
        Statements = new ReadOnlyCollection<SetkeyStatement>(statements);
        Errors = new ReadOnlyCollection<SetkeyError>(errors);
    }

    /// <summary>The name given to <see cref="SetkeyCompiler.Compile"/>, used in messages.</summary>
    public string? SourceName { get; }

    /// <summary>The statements in input order; when <see cref="Succeeded"/> is false, only those that compiled.</summary>
    public IReadOnlyList<SetkeyStatement> Statements { get; }

    /// <summary>Every error, in input order.</summary>
    public IReadOnlyList<SetkeyError> Errors { get; }

    /// <summary>True when the input had no error.</summary>
    public bool Succeeded => Errors.Count == 0;

    /// <summary>Zeroes every request (and with them the keys they carry).</summary>
    public void Dispose()
    {
        foreach (SetkeyStatement statement in Statements)
        {
            statement.Wipe();
        }
    }
}

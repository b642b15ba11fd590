namespace Netipsec.PfKey.Setkey;

/// <summary>
/// Abandons the statement being parsed: the compiler records the error and resumes after the next ';'. It never
/// leaves <see cref="SetkeyCompiler.Compile"/>.
/// </summary>
#pragma warning disable CA1032 // Internal: built only with a position and a message.
internal sealed class SetkeySyntaxException(int line, int column, string message) : Exception(message)
#pragma warning restore CA1032
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>True when the lexer reported the error already: the statement is dropped without a second one.</summary>
    public bool AlreadyReported { get; private init; }

    /// <summary>Drops a statement whose error the lexer already reported.</summary>
    public static SetkeySyntaxException Reported() => new(0, 0, "reported by the lexer") { AlreadyReported = true };

    /// <summary>An error at <paramref name="offset"/> characters into <paramref name="token"/>.</summary>
    public static SetkeySyntaxException At(SetkeyToken token, string message, int offset = 0) => new(token.Line, token.Column + offset, message);
}

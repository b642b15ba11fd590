namespace Netipsec.PfKey.Setkey;

internal enum SetkeyTokenKind
{
    /// <summary>A run of characters up to whitespace, ';', '"' or '#'.</summary>
    Word,

    /// <summary>A "quoted" string (its text without the quotes).</summary>
    QuotedString,

    /// <summary>A quoted string without its closing quote: the lexer reported it, and the statement is dropped.</summary>
    Unterminated,
    Semicolon,
    End,
}

/// <summary>One token of setkey input and where it starts (1-based).</summary>
internal readonly record struct SetkeyToken(SetkeyTokenKind Kind, string Text, int Line, int Column)
{
    /// <summary>Digits beyond which a hex word is described by its size: it may be a key.</summary>
    private const int LongestShownHex = 10;

    public bool IsWord(string text) => Kind == SetkeyTokenKind.Word && string.Equals(Text, text, StringComparison.Ordinal);

    /// <summary>The token as an error message names it. Quoted strings and long hex numbers may be keys and are not shown.</summary>
    public string Describe() => Kind switch
    {
        SetkeyTokenKind.End => "end of input",
        SetkeyTokenKind.Semicolon => "';'",
        SetkeyTokenKind.QuotedString or SetkeyTokenKind.Unterminated => "a quoted string",
        _ when Text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && Text.Length > LongestShownHex => $"a hex number of {Text.Length - 2} digits",
        _ => $"'{Text}'",
    };
}

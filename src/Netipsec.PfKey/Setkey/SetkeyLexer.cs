namespace Netipsec.PfKey.Setkey;

/// <summary>
/// Splits setkey input into words, quoted strings and ';', dropping whitespace and <c>#</c> comments (to the end of
/// the line). Words are split further by the parser, which knows what an address or a policy request looks like.
/// </summary>
internal static class SetkeyLexer
{
    /// <summary>Tokens of <paramref name="source"/>, ending with one <see cref="SetkeyTokenKind.End"/>.</summary>
    public static List<SetkeyToken> Tokenize(string source, List<SetkeyError> errors, string? sourceName)
    {
        var tokens = new List<SetkeyToken>();
        int line = 1;
        int lineStart = 0;
        int i = 0;
        while (i < source.Length)
        {
            char c = source[i];
            int column = i - lineStart + 1;
            if (c == '\n')
            {
                line++;
                lineStart = ++i;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < source.Length && source[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == ';')
            {
                tokens.Add(new SetkeyToken(SetkeyTokenKind.Semicolon, ";", line, column));
                i++;
            }
            else if (c == '"')
            {
                int close = source.IndexOfAny(['"', '\n'], i + 1);
                if (close < 0 || source[close] == '\n')
                {
                    // Reported here once; the parser drops the statement when it reaches this token.
                    errors.Add(new SetkeyError(sourceName, line, column, "unterminated quoted string: expected '\"' before the end of the line"));
                    tokens.Add(new SetkeyToken(SetkeyTokenKind.Unterminated, string.Empty, line, column));
                    i = close < 0 ? source.Length : close;
                    continue;
                }

                tokens.Add(new SetkeyToken(SetkeyTokenKind.QuotedString, source[(i + 1)..close], line, column));
                i = close + 1;
            }
            else
            {
                int start = i;
                while (i < source.Length && !char.IsWhiteSpace(source[i]) && source[i] is not (';' or '"' or '#'))
                {
                    i++;
                }

                tokens.Add(new SetkeyToken(SetkeyTokenKind.Word, source[start..i], line, column));
            }
        }

        tokens.Add(new SetkeyToken(SetkeyTokenKind.End, string.Empty, line, source.Length - lineStart + 1));
        return tokens;
    }
}

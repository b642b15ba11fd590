using System.Globalization;
using System.Security.Cryptography;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Setkey;

/// <summary>
/// Recursive descent over the tokens of <see cref="SetkeyLexer"/>: one method per statement, each building its
/// PF_KEY request with <see cref="PfKeyMessageWriter"/>. A bad statement throws <see cref="SetkeySyntaxException"/>,
/// which <see cref="Parse"/> records before skipping to the next ';'.
/// </summary>
internal sealed partial class SetkeyParser
{
    /// <summary>Larger than any request a statement can make: keys are checked against their algorithm first.</summary>
    private const int MaxRequestLength = 4096;

    private const string Statements = "add, get, delete, deleteall, flush, dump, spdadd, spdupdate, spddelete, spdflush or spddump";

    private readonly List<SetkeyToken> _tokens;
    private readonly string? _sourceName;
    private readonly byte[] _buffer = new byte[MaxRequestLength];
    private int _position;

    public SetkeyParser(List<SetkeyToken> tokens, string? sourceName)
    {
        _tokens = tokens;
        _sourceName = sourceName;
    }

    private SetkeyToken Peek => _tokens[_position];

    public void Parse(List<SetkeyStatement> statements, List<SetkeyError> errors)
    {
        uint ordinal = 0;
        while (Peek.Kind != SetkeyTokenKind.End)
        {
            if (Peek.Kind == SetkeyTokenKind.Semicolon)
            {
                _position++; // an empty statement
                continue;
            }

            try
            {
                statements.Add(ParseStatement(++ordinal));
            }
            catch (SetkeySyntaxException error)
            {
                if (!error.AlreadyReported)
                {
                    errors.Add(new SetkeyError(_sourceName, error.Line, error.Column, error.Message));
                }

                SkipPastSemicolon();
            }
            finally
            {
                CryptographicOperations.ZeroMemory(_buffer); // keys of a finished or abandoned ADD
            }
        }
    }

    private SetkeyStatement ParseStatement(uint sequence)
    {
        SetkeyToken keyword = Next();
        if (keyword.Kind != SetkeyTokenKind.Word)
        {
            throw Expected($"a statement ({Statements})", keyword);
        }

        return keyword.Text switch
        {
            "add" => ParseAdd(keyword, sequence),
            "get" => ParseSaByIdentity(keyword, SetkeyStatementKind.Get, MessageType.Get, sequence),
            "delete" => ParseSaByIdentity(keyword, SetkeyStatementKind.Delete, MessageType.Delete, sequence),
            "deleteall" => ParseDeleteAll(keyword, sequence),
            "flush" => ParseFlushOrDump(keyword, SetkeyStatementKind.Flush, MessageType.Flush, sequence),
            "dump" => ParseFlushOrDump(keyword, SetkeyStatementKind.Dump, MessageType.Dump, sequence),
            "spdadd" => ParsePolicy(keyword, SetkeyStatementKind.SpdAdd, MessageType.SpdAdd, sequence),
            "spdupdate" => ParsePolicy(keyword, SetkeyStatementKind.SpdUpdate, MessageType.SpdUpdate, sequence),
            "spddelete" => ParsePolicy(keyword, SetkeyStatementKind.SpdDelete, MessageType.SpdDelete, sequence),
            "spdflush" => ParseBare(keyword, SetkeyStatementKind.SpdFlush, MessageType.SpdFlush, sequence),
            "spddump" => ParseBare(keyword, SetkeyStatementKind.SpdDump, MessageType.SpdDump, sequence),
            _ => throw Expected($"a statement ({Statements})", keyword),
        };
    }

    private SetkeyStatement ParseFlushOrDump(SetkeyToken keyword, SetkeyStatementKind kind, MessageType type, uint sequence)
    {
        SaType saType = SaType.Unspecified;
        if (Peek.Kind == SetkeyTokenKind.Word)
        {
            saType = ParseSaProtocol(Next(), allowUdp: false).SaType;
        }

        ExpectSemicolon();
        return Statement(keyword, kind, HeaderOnly(new PfKeyHeader(type, saType, sequence, 0)));
    }

    private SetkeyStatement ParseBare(SetkeyToken keyword, SetkeyStatementKind kind, MessageType type, uint sequence)
    {
        ExpectSemicolon();
        return Statement(keyword, kind, HeaderOnly(new PfKeyHeader(type, SaType.Unspecified, sequence, 0)));
    }

    private byte[] HeaderOnly(PfKeyHeader header)
    {
        Fits(PfKeyMessageWriter.TryCreate(_buffer, header, out PfKeyMessageWriter writer));
        return writer.Message.ToArray();
    }

    private static SetkeyStatement Statement(SetkeyToken keyword, SetkeyStatementKind kind, byte[] request) =>
        new(keyword.Line, keyword.Column, kind, request);

    private SetkeyToken Next()
    {
        SetkeyToken token = _tokens[_position];
        if (token.Kind == SetkeyTokenKind.Unterminated)
        {
            _position++;
            throw SetkeySyntaxException.Reported();
        }

        if (token.Kind != SetkeyTokenKind.End)
        {
            _position++;
        }

        return token;
    }

    /// <summary>The next token, which must be a word; <paramref name="what"/> names it in the error.</summary>
    private SetkeyToken NextWord(string what)
    {
        SetkeyToken token = Next();
        return token.Kind == SetkeyTokenKind.Word ? token : throw Expected(what, token);
    }

    private void ExpectSemicolon()
    {
        SetkeyToken token = Next();
        if (token.Kind != SetkeyTokenKind.Semicolon)
        {
            throw Expected("';'", token);
        }
    }

    private void SkipPastSemicolon()
    {
        while (Peek.Kind is not (SetkeyTokenKind.End or SetkeyTokenKind.Semicolon))
        {
            _position++;
        }

        Next();
    }

    private static SetkeySyntaxException Expected(string what, SetkeyToken found) =>
        SetkeySyntaxException.At(found, $"expected {what}, found {found.Describe()}");

    /// <summary>A decimal or 0x-hex number no larger than <paramref name="max"/>.</summary>
    private static ulong ParseNumber(SetkeyToken token, string what, ulong max)
    {
        ReadOnlySpan<char> text = token.Text;
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        ulong value = 0;
        bool parsed = token.Kind == SetkeyTokenKind.Word && (hex
            ? ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value));
        if (!parsed)
        {
            throw Expected(what, token);
        }

        return value <= max
            ? value
            : throw SetkeySyntaxException.At(token, $"{what} is at most {max}, found {token.Text}");
    }

    /// <summary>A reply buffer too small is a bug: requests are bounded before they are written.</summary>
    private static void Fits(bool added)
    {
        if (!added)
        {
            throw new InvalidOperationException("A setkey request outgrew the request buffer.");
        }
    }
}

using CsCheck;
using Netipsec.PfKey.Setkey;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Setkey;

/// <summary>Mutated setkey input never throws: it compiles to well-formed requests or to errors inside the input.</summary>
public sealed class SetkeyCompilerPropertyTests
{
    internal static readonly string Corpus = string.Join('\n',
        "add 192.0.2.1 192.0.2.2 esp 0x1000 -m tunnel -r 32 -u 5 -lh 60 -ls 30 -E aes-gcm-16 0x000102030405060708090a0b0c0d0e0f10111213;",
        "add 2001:db8::1[4500] 2001:db8::2[4500] esp-udp 4097 -E aes-cbc \"0123456789abcdef\" -A hmac-sha256 0x" + new string('7', 64) + ";",
        "add 192.0.2.1 192.0.2.2 ah 0x2000 -A aes-xcbc-mac 0x00112233445566778899aabbccddeeff; # comment",
        "add 192.0.2.1 192.0.2.2 ipcomp 0x4000 -C deflate -R;",
        "get 192.0.2.1 192.0.2.2 esp 0x1000; delete 192.0.2.1 192.0.2.2 esp 0x1000; deleteall 192.0.2.1 192.0.2.2 ah;",
        "flush esp; dump; spdflush; spddump;",
        "spdadd 198.51.100.0/24[any] 203.0.113.0/24[80] tcp -P out prio def + 5 ipsec esp/tunnel/192.0.2.1-192.0.2.2/unique:3 ah/transport//use;",
        "spdupdate 2001:db8::/32 2001:db8:1::/48 icmp6 -P fwd discard;",
        "spddelete 192.0.2.0/24 198.51.100.0/24 any -P in;");

    private static readonly Gen<char> Noise = Gen.OneOf(Gen.Char["-/[]:;#\" x0.9"], Gen.Char.AlphaNumeric, Gen.Char);

    private static readonly Gen<string> Mutated =
        Gen.Select(Gen.Int[0, Corpus.Length - 1], Gen.Int[0, 3], Noise, Gen.Int[0, 20]).Array[1, 8].Select(edits =>
        {
            var text = new System.Text.StringBuilder(Corpus);
            foreach ((int position, int kind, char c, int length) in edits)
            {
                int at = Math.Min(position, text.Length);
                switch (kind)
                {
                    case 0: text.Insert(at, c); break;
                    case 1: text.Remove(at, Math.Min(length, text.Length - at)); break;
                    case 2 when at < text.Length: text[at] = c; break;
                    default: text.Insert(at, text.ToString(at, Math.Min(length, text.Length - at))); break;
                }
            }

            return text.ToString();
        });

    [Fact]
    public void The_corpus_itself_compiles()
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile(Corpus);
        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Errors));
        Assert.Equal(14, compilation.Statements.Count);
    }

    [Fact]
    public void Mutated_input_compiles_to_parseable_requests_or_to_errors_inside_the_input()
    {
        Mutated.Sample(source =>
        {
            using SetkeyCompilation compilation = SetkeyCompiler.Compile(source, "fuzz");
            int lines = source.Split('\n').Length;
            foreach (SetkeyError error in compilation.Errors)
            {
                Assert.InRange(error.Line, 1, lines);
                Assert.True(error.Column >= 1);
            }

            foreach (SetkeyStatement statement in compilation.Statements)
            {
                Assert.True(PfKeyMessage.TryParse(statement.Request.Span, PfKeyOrigin.Client, out _, out PfKeyError error), error.ToString());
            }
        }, iter: 3000);
    }
}

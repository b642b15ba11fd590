using System.Text;
using Netipsec.PfKey.Setkey;
using Netipsec.PfKey.Wire;

namespace Netipsec.Fuzz;

/// <summary>
/// The setkey compiler on arbitrary text: it must end in statements or errors, never an exception, and every
/// request it compiles must pass the PF_KEY parser as a client's message (a refusal there is a compiler bug,
/// reported as a crash). The same bytes also go to the dump printers as a service message.
/// </summary>
internal sealed class SetkeyFuzzTarget : IFuzzTarget
{
    public void Run(ReadOnlySpan<byte> input)
    {
        using (SetkeyCompilation compilation = SetkeyCompiler.Compile(Encoding.UTF8.GetString(input), "fuzz"))
        {
            foreach (SetkeyStatement statement in compilation.Statements)
            {
                if (!PfKeyMessage.TryParse(statement.Request.Span, PfKeyOrigin.Client, out _, out PfKeyError error))
                {
                    throw new InvalidOperationException($"The compiler wrote a request the parser refuses: {error}");
                }
            }

            foreach (SetkeyError error in compilation.Errors)
            {
                if (error.Line < 1 || error.Column < 1)
                {
                    throw new InvalidOperationException($"An error outside the input: {error}");
                }
            }
        }

        SetkeyDumpFormatter.WriteSa(TextWriter.Null, input, DateTimeOffset.UnixEpoch, TimeZoneInfo.Utc);
        SetkeyDumpFormatter.WritePolicy(TextWriter.Null, input, TimeZoneInfo.Utc);
    }

    public IEnumerable<byte[]> Seeds()
    {
        string[] statements =
        [
            "add 192.0.2.1 192.0.2.2 esp 0x1000 -m tunnel -r 32 -u 5 -lh 60 -ls 30 -E aes-gcm-16 0x000102030405060708090a0b0c0d0e0f10111213;",
            "add 2001:db8::1[4500] 2001:db8::2[4500] esp-udp 4097 -E aes-cbc \"0123456789abcdef\" -A hmac-sha256 0x" + new string('7', 64) + ";",
            "add 192.0.2.1 192.0.2.2 ah 0x2000 -A aes-xcbc-mac 0x00112233445566778899aabbccddeeff; # comment",
            "add 192.0.2.1 192.0.2.2 ipcomp 0x4000 -C deflate -R;\nget 192.0.2.1 192.0.2.2 ipcomp 0x4000;",
            "delete 192.0.2.1 192.0.2.2 esp 0x1000; deleteall 192.0.2.1 192.0.2.2 ah;\nflush esp; dump; spdflush; spddump;",
            "spdadd 198.51.100.0/24[any] 203.0.113.0/24[80] tcp -P out prio def + 5 ipsec esp/tunnel/192.0.2.1-192.0.2.2/unique:3 ah/transport//use;",
            "spdupdate 2001:db8::/32 2001:db8:1::/48 icmp6 -P fwd discard;\nspddelete 192.0.2.0/24 198.51.100.0/24 any -P in;",
        ];
        return statements.Select(Encoding.UTF8.GetBytes);
    }
}

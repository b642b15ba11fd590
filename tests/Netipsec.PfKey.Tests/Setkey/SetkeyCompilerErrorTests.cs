using Netipsec.PfKey.Setkey;

namespace Netipsec.PfKey.Tests.Setkey;

public sealed class SetkeyCompilerErrorTests
{
    private const string Gcm = "-E aes-gcm-16 0x000102030405060708090a0b0c0d0e0f10111213";

    public static TheoryData<string, string, int, int, string> Errors() => new()
    {
        { "unknown statement", "bogus;", 1, 1, "expected a statement (add, get, delete, deleteall, flush, dump, spdadd, spdupdate, spddelete, spdflush or spddump), found 'bogus'" },
        { "quoted statement", "\"add\";", 1, 1, "expected a statement (add, get, delete, deleteall, flush, dump, spdadd, spdupdate, spddelete, spdflush or spddump), found a quoted string" },
        { "bad source", "add 192.0.2.300 192.0.2.2 esp 4096 -E null;", 1, 5, "expected a source address (an IPv4 or IPv6 address), found '192.0.2.300'" },
        { "inet_aton short form", "add 1 192.0.2.2 esp 4096 -E null;", 1, 5, "expected a source address (an IPv4 or IPv6 address), found '1'" },
        { "host name", "get 192.0.2.1 gateway.example esp 4096;", 1, 15, "expected a destination address (an IPv4 or IPv6 address), found 'gateway.example'" },
        { "families differ", "add 192.0.2.1 2001:db8::2 esp 4096 -E null;", 1, 15, "expected an IPv4 destination like the source, found IPv6 '2001:db8::2'" },
        { "prefix on an SA", "add 192.0.2.1/24 192.0.2.2 esp 4096 -E null;", 1, 14, "expected a source address without a prefix length, found '/24'" },
        { "unknown protocol", "add 192.0.2.1 192.0.2.2 esp-old 4096 -E null;", 1, 25, "expected a protocol (esp, esp-udp, ah or ipcomp), found 'esp-old'" },
        { "esp-udp outside add", "delete 192.0.2.1 192.0.2.2 esp-udp 4096;", 1, 28, "expected a protocol (esp, ah or ipcomp), found 'esp-udp'" },
        { "port without esp-udp", "add 192.0.2.1[4500] 192.0.2.2 esp 4096 -E null;", 1, 31, "expected esp-udp with ports on the addresses (only NAT traversal puts ports on an SA), found 'esp'" },
        { "esp-udp without ports", "add 192.0.2.1[4500] 192.0.2.2 esp-udp 4096 -E null;", 1, 31, "esp-udp needs both UDP ports: write the addresses as ADDR[PORT], e.g. 192.0.2.1[4500]" },
        { "port out of range", "add 192.0.2.1[70000] 192.0.2.2[4500] esp-udp 4096 -E null;", 1, 15, "expected a port (0-65535 or any), found '70000'" },
        { "port not closed", "spdadd 192.0.2.1[500 192.0.2.2 any -P in none;", 1, 21, "expected ']' after the port" },
        { "after the port", "spdadd 192.0.2.1[500]x 192.0.2.2 any -P in none;", 1, 22, "expected nothing after ']', found 'x'" },
        { "reserved spi", "add 192.0.2.1 192.0.2.2 esp 255 -E null;", 1, 29, "expected an SPI of 256 or more (RFC 4303 §2.1 reserves 0-255), found 255" },
        { "spi not a number", "get 192.0.2.1 192.0.2.2 esp 12ab;", 1, 29, "expected an SPI, found '12ab'" },
        { "spi too large", "get 192.0.2.1 192.0.2.2 esp 0x100000000;", 1, 29, "an SPI is at most 4294967295, found 0x100000000" },
        { "cpi too large", "add 192.0.2.1 192.0.2.2 ipcomp 0x10000 -C deflate;", 1, 32, "a CPI is at most 65535, found 0x10000" },
        { "unknown cipher", "add 192.0.2.1 192.0.2.2 esp 4096 -E aes-foo 0x00;", 1, 37, "expected an encryption algorithm (des-cbc, 3des-cbc, null, aes-cbc, rijndael-cbc, aes-ctr, aes-ccm-8, aes-ccm-12, aes-ccm-16, aes-gcm-8, aes-gcm-12, aes-gcm-16, aes-gmac, null-aes-gmac, chacha20-poly1305), found 'aes-foo'" },
        { "unknown mac", "add 192.0.2.1 192.0.2.2 ah 4096 -A sha1 0x00;", 1, 36, "expected an authentication algorithm (hmac-md5, hmac-sha1, hmac-sha256, hmac-sha2-256, hmac-sha384, hmac-sha2-384, hmac-sha512, hmac-sha2-512, aes-xcbc-mac, aes-cmac, aes-gmac, null), found 'sha1'" },
        { "gcm key without salt", "add 192.0.2.1 192.0.2.2 esp 4096 -E aes-gcm-16 0x000102030405060708090a0b0c0d0e0f;", 1, 48, "aes-gcm-16 takes a key of 160, 224 or 288 bits (the key followed by a 4-byte salt), found 128 bits" },
        { "ccm key", "add 192.0.2.1 192.0.2.2 esp 4096 -E aes-ccm-8 0x00;", 1, 47, "aes-ccm-8 takes a key of 152, 216 or 280 bits (the key followed by a 3-byte salt), found 8 bits" },
        { "ctr key", "add 192.0.2.1 192.0.2.2 esp 4096 -E aes-ctr 0x00;", 1, 45, "aes-ctr takes a key of 160, 224 or 288 bits (the key followed by a 4-byte nonce), found 8 bits" },
        { "hmac key", "add 192.0.2.1 192.0.2.2 ah 4096 -A hmac-sha1 \"short\";", 1, 46, "hmac-sha1 takes a key of 160 bits, found 40 bits" },
        { "odd hex", "add 192.0.2.1 192.0.2.2 esp 4096 -E aes-cbc 0x0001020304050607080910111213141;", 1, 45, "expected an even number of hex digits in the key (whole bytes), found 31" },
        { "bad hex digit", "add 192.0.2.1 192.0.2.2 esp 4096 -E aes-cbc 0x00g1;", 1, 49, "expected a hex digit in the key, found 'g'" },
        { "missing key", "add 192.0.2.1 192.0.2.2 esp 4096 -E aes-cbc;", 1, 44, "expected a key for aes-cbc (0x followed by hex digits, or \"text\"), found ';'" },
        { "key for null", "add 192.0.2.1 192.0.2.2 esp 4096 -E null 0x0102;", 1, 42, "null takes no key" },
        { "aead with -A", $"add 192.0.2.1 192.0.2.2 esp 4096 {Gcm} -A hmac-sha1 0x0102030405060708090a0b0c0d0e0f1011121314;", 1, 91, "aes-gcm-16 authenticates by itself (RFC 4303 §3.2.3): remove -A" },
        { "ah with -E", "add 192.0.2.1 192.0.2.2 ah 4096 -E null;", 1, 33, "ah authenticates only: -E belongs to esp" },
        { "esp with -C", "add 192.0.2.1 192.0.2.2 esp 4096 -C deflate;", 1, 34, "-C belongs to ipcomp" },
        { "ipcomp with -A", "add 192.0.2.1 192.0.2.2 ipcomp 4096 -A null;", 1, 37, "ipcomp takes only -C, found -A" },
        { "esp without algorithms", "add 192.0.2.1 192.0.2.2 esp 4096 -m tunnel;", 1, 25, "esp needs -E NAME KEY, -A NAME KEY or both (RFC 4303 §3.2)" },
        { "esp protecting nothing", "add 192.0.2.1 192.0.2.2 esp 4096 -E null -A null;", 1, 25, "esp with null encryption needs an authentication algorithm other than null: it would protect nothing (RFC 4303 §3.2)" },
        { "esp with null alone", "add 192.0.2.1 192.0.2.2 esp 4096 -E null;", 1, 25, "esp with null encryption needs an authentication algorithm other than null: it would protect nothing (RFC 4303 §3.2)" },
        { "ah without -A", "add 192.0.2.1 192.0.2.2 ah 4096;", 1, 25, "ah needs an authentication algorithm: add -A NAME KEY" },
        { "ipcomp without -C", "add 192.0.2.1 192.0.2.2 ipcomp 4096 -R;", 1, 37, "expected an option (-m, -r, -u, -f, -lh, -ls, -bh, -bs, -seq, -E, -A, -C) or ';', found '-R'" },
        { "ipcomp with nothing", "add 192.0.2.1 192.0.2.2 ipcomp 4096;", 1, 25, "ipcomp needs a compression algorithm: add -C deflate" },
        { "option twice", "add 192.0.2.1 192.0.2.2 esp 4096 -m tunnel -m transport -E null;", 1, 44, "-m is given twice" },
        { "bad mode", "add 192.0.2.1 192.0.2.2 esp 4096 -m tunel -E null;", 1, 37, "expected a mode (transport, tunnel, beet or any), found 'tunel'" },
        { "replay too large", "add 192.0.2.1 192.0.2.2 esp 4096 -r 300 -E null;", 1, 37, "a replay window size in packets is at most 255, found 300" },
        { "reqid not a number", "add 192.0.2.1 192.0.2.2 esp 4096 -u x -E null;", 1, 37, "expected a reqid, found 'x'" },
        { "zero-pad then random-pad", "add 192.0.2.1 192.0.2.2 esp 4096 -f zero-pad -f random-pad -E null;", 1, 49, "-f random-pad contradicts -f zero-pad given before: an SA pads one way only" },
        { "seq-pad then zero-pad", "add 192.0.2.1 192.0.2.2 esp 4096 -f seq-pad -f zero-pad -E null;", 1, 48, "-f zero-pad contradicts -f seq-pad given before: an SA pads one way only" },
        { "zero-pad on ah", "add 192.0.2.1 192.0.2.2 ah 4096 -f zero-pad -A hmac-sha1 0x0102030405060708090a0b0c0d0e0f1011121314;", 1, 36, "zero-pad belongs to esp: ah has no padding to choose" },
        { "random-pad on ipcomp", "add 192.0.2.1 192.0.2.2 ipcomp 4096 -f random-pad -C deflate;", 1, 40, "random-pad belongs to esp: ipcomp has no padding to choose" },
        { "unknown -f", "add 192.0.2.1 192.0.2.2 esp 4096 -f esp -E null;", 1, 37, "expected zero-pad, random-pad, seq-pad, nocyclic-seq or esn, found 'esp'" },
        { "nocyclic without replay", $"add 192.0.2.1 192.0.2.2 esp 4096 -f nocyclic-seq {Gcm};", 1, 37, "nocyclic-seq needs a replay window (-r N, N > 0): only an SA without anti-replay lets its sequence number cycle (RFC 4303 §3.3.3)" },
        { "soft above hard", $"add 192.0.2.1 192.0.2.2 esp 4096 -lh 60 -ls 120 {Gcm};", 1, 1, "the soft lifetime (-ls 120) exceeds the hard one (-lh 60)" },
        { "soft bytes above hard", $"add 192.0.2.1 192.0.2.2 esp 4096 -bh 60 -bs 120 {Gcm};", 1, 1, "the soft byte limit (-bs 120) exceeds the hard one (-bh 60)" },
        { "seq beyond 32 bits without esn", $"add 192.0.2.1 192.0.2.2 esp 4096 -seq 0x100000000 {Gcm};", 1, 34, "-seq 4294967296 needs 64-bit sequence numbers: add -f esn" },
        { "seq on ipcomp", "add 192.0.2.1 192.0.2.2 ipcomp 4096 -seq 5 -C deflate;", 1, 37, "ipcomp has no sequence numbers: remove -seq" },
        { "seq not a number", "add 192.0.2.1 192.0.2.2 esp 4096 -seq last -E null;", 1, 39, "expected the last sequence number used (the SA continues from it), found 'last'" },
        { "lifetime not a number", "add 192.0.2.1 192.0.2.2 esp 4096 -lh soon -E null;", 1, 38, "expected a lifetime in seconds, found 'soon'" },
        { "unknown option", "add 192.0.2.1 192.0.2.2 esp 4096 -x -E null;", 1, 34, "expected an option (-m, -r, -u, -f, -lh, -ls, -bh, -bs, -seq, -E, -A, -C) or ';', found '-x'" },
        { "missing semicolon at the end", "flush", 1, 6, "expected ';', found end of input" },
        { "unterminated quote", "add 192.0.2.1 192.0.2.2 ah 4096 -A hmac-sha1 \"abc;", 1, 46, "unterminated quoted string: expected '\"' before the end of the line" },
        { "key shown by size only", "flush 0x0102030405060708090a;", 1, 7, "expected a protocol (esp, ah or ipcomp), found a hex number of 20 digits" },
        { "dump of tcp", "dump tcp;", 1, 6, "expected a protocol (esp, ah or ipcomp), found 'tcp'" },
        { "spdflush with extra", "spdflush esp;", 1, 10, "expected ';', found 'esp'" },
        { "missing -P", "spdadd 192.0.2.0/24 198.51.100.0/24 any in none;", 1, 41, "expected -P, found 'in'" },
        { "prefix too long", "spdadd 192.0.2.0/33 198.51.100.0/24 any -P in none;", 1, 18, "expected a prefix length 0-32, found '33'" },
        { "prefix not a number", "spdadd 2001:db8::/x 2001:db8:1::/48 any -P in none;", 1, 19, "expected a prefix length 0-128, found 'x'" },
        { "unknown upper protocol", "spdadd 192.0.2.0/24 198.51.100.0/24 http -P in none;", 1, 37, "expected an upper-layer protocol (any, icmp, icmp6, tcp, udp, gre, sctp or a number 0-255), found 'http'" },
        { "icmp type", "spdadd 192.0.2.0/24 198.51.100.0/24 icmp 8,0 -P in none;", 1, 42, "expected -P, found '8,0'" },
        { "bad direction", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P inbound none;", 1, 44, "expected a direction (in, out or fwd), found 'inbound'" },
        { "bad action", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P in allow;", 1, 47, "expected a policy (discard, none or ipsec), found 'allow'" },
        { "entrust", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P in entrust;", 1, 47, "entrust is a per-socket policy; an SPD entry takes discard, none or ipsec" },
        { "ipsec without request", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec;", 1, 53, "expected a request such as esp/transport//require, found ';'" },
        { "discard with request", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out discard esp/transport//require;", 1, 56, "expected ';' (discard takes no requests), found 'esp/transport//require'" },
        { "request protocol", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec tcp/transport//require;", 1, 54, "expected a request protocol (esp, ah or ipcomp), found 'tcp'" },
        { "request mode", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/tunel//require;", 1, 58, "expected a request mode (transport, tunnel or beet), found 'tunel'" },
        { "request without mode", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp;", 1, 54, "expected a request protocol/mode/src-dst/level such as esp/tunnel/192.0.2.1-192.0.2.2/require, found 'esp'" },
        { "tunnel without endpoints", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/tunnel//require;", 1, 65, "expected the tunnel's endpoints (tunnel/SRC-DST/), found none" },
        { "transport with endpoints", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/transport/192.0.2.1-192.0.2.2/require;", 1, 68, "expected no endpoints in transport mode (transport//LEVEL), found '192.0.2.1-192.0.2.2'" },
        { "endpoints without dash", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/tunnel/192.0.2.1/require;", 1, 65, "expected the endpoints as SRC-DST, found '192.0.2.1'" },
        { "bad tunnel destination", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2/require;", 1, 75, "expected a tunnel destination address, found '192.0.2'" },
        { "tunnel families differ", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/tunnel/192.0.2.1-2001:db8::1/require;", 1, 75, "expected an IPv4 tunnel destination like the source, found IPv6 '2001:db8::1'" },
        { "bad level", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/transport//must;", 1, 69, "expected a level (default, use, require, unique or unique:N), found 'must'" },
        { "reqid on require", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/transport//require:5;", 1, 69, "expected a level (default, use, require, unique or unique:N) (only unique takes a reqid), found 'require:5'" },
        { "reqid too large", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/transport//unique:99999;", 1, 76, "expected a reqid 1-16383 after unique:, found '99999'" },
        { "reqid zero", "spdadd 192.0.2.0/24 198.51.100.0/24 any -P out ipsec esp/transport//unique:0;", 1, 76, "expected a reqid 1-16383 after unique:, found '0'" },
        { "too many requests", "spdadd 192.0.2.1 192.0.2.2 any -P out ipsec esp/transport esp/transport esp/transport esp/transport esp/transport esp/transport esp/transport;", 1, 129, "a policy has at most 6 requests" },
        { "bad priority", "spdadd 192.0.2.1 192.0.2.2 any -P out prio urgent discard;", 1, 44, "expected a priority (a number, or high, def or low), found 'urgent'" },
        { "bad priority offset", "spdadd 192.0.2.1 192.0.2.2 any -P out prio def + lots discard;", 1, 50, "expected a priority offset, found 'lots'" },
        { "range families differ", "spdadd 192.0.2.0/24 2001:db8::/32 any -P in none;", 1, 21, "expected an IPv4 destination like the source, found IPv6 '2001:db8::'" },
        { "scope id", "spdadd fe80::1%eth0 fe80::2 any -P in none;", 1, 8, "expected a source range (an IPv4 or IPv6 address), found 'fe80::1%eth0'" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Each_error_is_reported_at_its_line_and_column_with_what_was_expected(string description, string source, int line, int column, string message)
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile(source, "in.conf");
        Assert.False(compilation.Succeeded, description);
        SetkeyError error = Assert.Single(compilation.Errors);
        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
        Assert.Equal($"in.conf:{line}:{column}: {message}", error.ToString());
    }

    [Fact]
    public void Every_bad_statement_is_reported_and_the_good_ones_still_compile()
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile("flush;\nadd 192.0.2.1\n  192.0.2.2 esp 1 -E null;\nspdflush;\n\tdump foo; dump;\nbogus");
        Assert.Equal(
            ["3:17: expected an SPI of 256 or more (RFC 4303 §2.1 reserves 0-255), found 1", "5:7: expected a protocol (esp, ah or ipcomp), found 'foo'", "6:1: expected a statement (add, get, delete, deleteall, flush, dump, spdadd, spdupdate, spddelete, spdflush or spddump), found 'bogus'"],
            compilation.Errors.Select(error => error.ToString()));
        Assert.Equal([SetkeyStatementKind.Flush, SetkeyStatementKind.SpdFlush, SetkeyStatementKind.Dump], compilation.Statements.Select(statement => statement.Kind));
    }

    [Fact]
    public void Errors_never_quote_a_key()
    {
        const string Secret = "5ec2e75ec2e75ec2e75ec2e75ec2e75e";
        using SetkeyCompilation compilation = SetkeyCompiler.Compile(
            $"add 192.0.2.1 192.0.2.2 esp 4096 -E aes-gcm-16 0x{Secret};\nadd 192.0.2.1 192.0.2.2 ah 4096 -A hmac-sha1 \"{Secret}\";\nadd 192.0.2.1 192.0.2.2 esp 4096 -E aes-cbc 0x{Secret} 0x{Secret};");
        Assert.Equal(3, compilation.Errors.Count);
        Assert.All(compilation.Errors, error => Assert.DoesNotContain(Secret[..8], error.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Unnamed_input_reports_line_and_column_only()
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile("dump x;");
        Assert.Equal("1:6: expected a protocol (esp, ah or ipcomp), found 'x'", Assert.Single(compilation.Errors).ToString());
    }
}

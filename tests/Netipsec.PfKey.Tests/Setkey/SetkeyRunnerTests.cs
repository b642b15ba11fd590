using Netipsec.Engine;
using Netipsec.Packets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Setkey;
using Netipsec.PfKey.Wire;
using Netipsec.States;
using Netipsec.Transforms;

using CoreSaFlags = Netipsec.States.SaFlags;

namespace Netipsec.PfKey.Tests.Setkey;

/// <summary>Compiled statements run against a real service over an in-process channel, and the dumps printed back.</summary>
public sealed class SetkeyRunnerTests : IDisposable
{
    private const string Gcm = "-E aes-gcm-16 0x000102030405060708090a0b0c0d0e0f10111213";

    private readonly UtcClock _clock = new();
    private readonly PfKeyService _service;
    private readonly InProcessPfKeyChannel _channel;
    private readonly InProcessPfKeyChannel _bystander;
    private readonly StringWriter _output = new();

    private readonly XfrmEngine _engine;

    public SetkeyRunnerTests()
    {
        _engine = new XfrmEngine(_clock, XfrmTypeRegistry.CreateDefault());
        _service = new PfKeyService(_engine);
        _channel = new InProcessPfKeyChannel(_service);
        _bystander = new InProcessPfKeyChannel(_service);
    }

    public void Dispose()
    {
        _channel.Dispose();
        _bystander.Dispose();
        _output.Dispose();
    }

    private SetkeyRunResult Run(string source, string name = "net.conf")
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile(source, name);
        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Errors));
        return new SetkeyRunner(_channel, _output) { Pid = 4242, Time = _clock, ReplyTimeout = TimeSpan.FromSeconds(2) }.Run(compilation);
    }

    [Fact]
    public void Added_sas_dump_in_setkey_layout_with_their_keys()
    {
        SetkeyRunResult added = Run("""
            add 192.0.2.1 192.0.2.2 esp 0x1000 -m tunnel -u 7 -r 32 -lh 3600 -ls 3000
                -E aes-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha1 0x0102030405060708090a0b0c0d0e0f1011121314;
            add 192.0.2.2 192.0.2.1 ah 4097 -A hmac-sha256 "0123456789abcdef0123456789abcdef";
            """);
        Assert.True(added.Succeeded, string.Join("\n", added.Refusals));
        Assert.Equal(2, added.Applied);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(Run("dump;").Succeeded);
        string text = _output.ToString();
        Assert.Contains(
            "192.0.2.1 192.0.2.2 \n"
            + "\tesp mode=tunnel spi=4096(0x00001000) reqid=7(0x00000007)\n"
            + "\tE: aes-cbc  00112233 44556677 8899aabb ccddeeff\n"
            + "\tA: hmac-sha1  01020304 05060708 090a0b0c 0d0e0f10 11121314\n"
            + "\tseq=0x00000000 replay=32 flags=0x00000000 state=mature \n"
            + "\tcreated: Jan  2 03:04:05 2026\tcurrent: Jan  2 03:04:15 2026\n"
            + "\tdiff: 10(s)\thard: 3600(s)\tsoft: 3000(s)\n"
            + "\tlast:                     \thard: 0(s)\tsoft: 0(s)\n"
            + "\tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)\n"
            + "\tallocated: 0\thard: 0\tsoft: 0\n"
            + "\tsadb_seq=",
            text,
            StringComparison.Ordinal);
        Assert.Contains("192.0.2.2 192.0.2.1 \n\tah mode=transport spi=4097(0x00001001) reqid=0(0x00000000)\n\tA: hmac-sha256  30313233 34353637 38396162 63646566 30313233 34353637 38396162 63646566\n", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("refcnt=0").Length - 1);
        Assert.EndsWith(" pid=4242 refcnt=0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_esn_sa_is_installed_with_extended_sequence_numbers_and_dumps_its_flag()
    {
        Assert.True(Run($"add 192.0.2.1 192.0.2.2 esp 0x1000 -f esn -r 64 {Gcm};").Succeeded);
        Assert.True(Run($"add 192.0.2.2 192.0.2.1 esp 0x1001 -r 64 {Gcm};").Succeeded);

        Assert.Equal(SadStatus.Ok, _engine.States.Get(new SaId(IpAddress.Parse("192.0.2.2"), 0x1000, IpsecProtocol.Esp), out SecurityAssociation? esn));
        Assert.True(esn!.ExtendedSequenceNumbers);
        Assert.Equal(CoreSaFlags.None, esn.Flags);
        Assert.Equal(SadStatus.Ok, _engine.States.Get(new SaId(IpAddress.Parse("192.0.2.1"), 0x1001, IpsecProtocol.Esp), out SecurityAssociation? plain));
        Assert.False(plain!.ExtendedSequenceNumbers);

        Assert.True(Run("dump esp;").Succeeded);
        string[] blocks = _output.ToString().Split("sadb_seq=");
        Assert.Contains("flags=0x00000400 state=mature", Assert.Single(blocks, block => block.Contains("spi=4096(", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("flags=0x00000000 state=mature", Assert.Single(blocks, block => block.Contains("spi=4097(", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zero-pad", EspPadding.Zero, "flags=0x00000200 state=mature")]
    [InlineData("random-pad", EspPadding.Random, "flags=0x00000100 state=mature")]
    [InlineData("seq-pad", EspPadding.Sequential, "flags=0x00000000 state=mature")]
    public void A_padding_option_installs_the_padding_mode_and_dumps_kames_flag(string option, EspPadding padding, string dumped)
    {
        Assert.True(Run($"add 192.0.2.1 192.0.2.2 esp 0x1000 -f {option} {Gcm};").Succeeded);

        Assert.Equal(SadStatus.Ok, _engine.States.Get(new SaId(IpAddress.Parse("192.0.2.2"), 0x1000, IpsecProtocol.Esp), out SecurityAssociation? sa));
        Assert.Equal(padding, sa!.Padding);
        Assert.Equal(CoreSaFlags.None, sa.Flags);
        Assert.True(Run("dump esp;").Succeeded);
        Assert.Contains(dumped, _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Policies_dump_in_setkey_layout()
    {
        Assert.True(Run("""
            spdadd 198.51.100.0/24[any] 203.0.113.0/24[443] tcp -P out prio def + 10 ipsec esp/tunnel/192.0.2.1-192.0.2.2/unique:5 ah/transport//use;
            spdadd 2001:db8::/32 2001:db8:1::1 icmp6 -P in discard;
            """).Succeeded);
        Assert.True(Run("spddump;").Succeeded);
        string text = _output.ToString();
        Assert.Contains(
            "198.51.100.0/24[any] 203.0.113.0/24[443] tcp\n"
            + "\tout prio def + 10 ipsec\n"
            + "\tesp/tunnel/192.0.2.1-192.0.2.2/unique:5\n"
            + "\tah/transport//use\n"
            + "\tcreated: Jan  2 03:04:05 2026  lastused:                     \n"
            + "\tlifetime: 0(s) validtime: 0(s)\n"
            + "\tspid=",
            text,
            StringComparison.Ordinal);
        Assert.Contains("2001:db8::/32 2001:db8:1::1 ipv6-icmp\n\tin discard\n\tcreated: ", text, StringComparison.Ordinal);
        Assert.Contains(" seq=0 pid=4242\n\trefcnt=0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_databases_print_what_setkey_prints()
    {
        Assert.True(Run("dump; spddump;").Succeeded);
        Assert.Equal("No SAD entries.\nNo SPD entries.\n", _output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Refusals_carry_the_statement_position_and_the_errno_and_diagnostic_in_words()
    {
        SetkeyRunResult result = Run($"add 192.0.2.1 192.0.2.2 esp 4096 {Gcm};\n\nadd 192.0.2.1 192.0.2.2 esp 4096 {Gcm};\n  delete 192.0.2.1 192.0.2.2 ah 9999;\nspddelete 192.0.2.0/24 198.51.100.0/24 any -P in;");
        Assert.Equal(1, result.Applied);
        Assert.Equal(
            [
                "net.conf:3:1: add: File exists (EEXIST)",
                "net.conf:4:3: delete: No such process (ESRCH): SA not found",
                "net.conf:5:1: spddelete: No such file or directory (ENOENT)",
            ],
            result.Refusals.Select(refusal => refusal.ToString()));
        Assert.Equal((PfKeyErrno.NoSuchEntity, PfKeyDiagnostic.SaNotFound), (result.Refusals[1].Errno, result.Refusals[1].Diagnostic));
    }

    [Fact]
    public void Get_prints_the_sa_and_delete_removes_it()
    {
        Assert.True(Run("add 192.0.2.1 192.0.2.2 ipcomp 0x4001 -C deflate; get 192.0.2.1 192.0.2.2 ipcomp 0x4001;").Succeeded);
        Assert.StartsWith("192.0.2.1 192.0.2.2 \n\tipcomp mode=transport spi=16385(0x00004001) reqid=0(0x00000000)\n\tC: deflate \tseq=0x00000000 replay=0", _output.ToString(), StringComparison.Ordinal);
        Assert.True(Run("delete 192.0.2.1 192.0.2.2 ipcomp 0x4001;").Succeeded);
        Assert.Equal(PfKeyErrno.NoSuchEntity, Assert.Single(Run("get 192.0.2.1 192.0.2.2 ipcomp 0x4001;").Refusals).Errno);
    }

    [Fact]
    public void Deleteall_removes_every_sa_between_the_pair_and_nothing_else()
    {
        Assert.True(Run($"""
            add 192.0.2.1 192.0.2.2 esp 4096 {Gcm};
            add 192.0.2.1 192.0.2.2 esp 4097 {Gcm};
            add 192.0.2.2 192.0.2.1 esp 4098 {Gcm};
            add 192.0.2.1 192.0.2.2 ah 4099 -A hmac-sha256 "0123456789abcdef0123456789abcdef";
            deleteall 192.0.2.1 192.0.2.2 esp;
            dump;
            """).Succeeded);
        string text = _output.ToString();
        Assert.DoesNotContain("spi=4096(", text, StringComparison.Ordinal);
        Assert.DoesNotContain("spi=4097(", text, StringComparison.Ordinal);
        Assert.Contains("spi=4098(", text, StringComparison.Ordinal);
        Assert.Contains("spi=4099(", text, StringComparison.Ordinal);
        Assert.True(Run("deleteall 198.51.100.1 198.51.100.2 ah;").Succeeded); // nothing to delete is no error
    }

    [Fact]
    public void Flushes_empty_the_databases_and_other_sockets_copies_are_skipped()
    {
        SetkeyRunResult result = Run($"add 192.0.2.1 192.0.2.2 esp 4096 {Gcm}; spdadd 192.0.2.1 192.0.2.2 any -P out none; flush; spdflush; dump; spddump;");
        Assert.True(result.Succeeded, string.Join("\n", result.Refusals));
        Assert.Equal("No SAD entries.\nNo SPD entries.\n", _output.ToString().ReplaceLineEndings("\n"));
        var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];
        Assert.True(_bystander.Receive(buffer, TimeSpan.Zero) > 0); // the bystander saw the ADD, as every socket does
    }

    [Fact]
    public void A_silent_service_is_reported_per_statement_after_the_timeout()
    {
        using var silent = new SilentChannel();
        using SetkeyCompilation compilation = SetkeyCompiler.Compile("flush;\nspdflush;");
        SetkeyRunResult result = new SetkeyRunner(silent, _output) { ReplyTimeout = TimeSpan.FromMilliseconds(1) }.Run(compilation);
        Assert.Equal(["1:1: flush: no reply from the PF_KEY service within 0.001 s", "2:1: spdflush: no reply from the PF_KEY service within 0.001 s"], result.Refusals.Select(r => r.ToString()));
    }

    [Fact]
    public void A_compilation_with_errors_is_never_run()
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile("flush; bogus;");
        Assert.Throws<ArgumentException>(() => new SetkeyRunner(_channel, _output).Run(compilation));
    }

    /// <summary>
    /// Every name compiles to a request the service reads as meant: it installs the SA, or refuses it only because no
    /// crypto engine of this build runs the algorithm (the portable engine has no 8-byte GCM tag, for one) — never
    /// for the request's form or key size.
    /// </summary>
    [Fact]
    public void Every_pcap_tool_algorithm_compiles_to_a_request_the_service_reads_as_meant()
    {
        string Key(int bytes) => "0x" + new string('5', bytes * 2);
        SetkeyRunResult result = Run(string.Join('\n',
            $"add 192.0.2.1 192.0.2.2 esp 5001 -E aes-gcm-16 {Key(20)};",
            $"add 192.0.2.1 192.0.2.2 esp 5002 -E aes-gcm-12 {Key(20)};",
            $"add 192.0.2.1 192.0.2.2 esp 5003 -E aes-gcm-8 {Key(36)};",
            $"add 192.0.2.1 192.0.2.2 esp 5004 -E chacha20-poly1305 {Key(36)};",
            $"add 192.0.2.1 192.0.2.2 esp 5005 -E aes-ccm-16 {Key(19)};",
            $"add 192.0.2.1 192.0.2.2 esp 5006 -E aes-ccm-12 {Key(27)};",
            $"add 192.0.2.1 192.0.2.2 esp 5007 -E aes-ccm-8 {Key(35)};",
            $"add 192.0.2.1 192.0.2.2 esp 5008 -E aes-cbc {Key(16)} -A hmac-sha1 {Key(20)};",
            $"add 192.0.2.1 192.0.2.2 esp 5009 -E rijndael-cbc {Key(32)} -A hmac-sha384 {Key(48)};",
            $"add 192.0.2.1 192.0.2.2 esp 5010 -E aes-ctr {Key(20)} -A hmac-sha512 {Key(64)};",
            $"add 192.0.2.1 192.0.2.2 esp 5011 -E 3des-cbc {Key(24)} -A aes-xcbc-mac {Key(16)};",
            $"add 192.0.2.1 192.0.2.2 esp 5012 -E aes-gmac {Key(20)};",
            $"add 192.0.2.1 192.0.2.2 esp 5013 -E null -A aes-cmac {Key(16)};",
            $"add 192.0.2.1 192.0.2.2 esp 5014 -E aes-cbc {Key(16)};",
            $"add 192.0.2.1 192.0.2.2 ah 5015 -A hmac-md5 {Key(16)};",
            $"add 192.0.2.1 192.0.2.2 ah 5016 -A aes-gmac {Key(20)};",
            $"add 192.0.2.1 192.0.2.2 ah 5017 -A hmac-sha256 {Key(32)};",
            $"add 192.0.2.1 192.0.2.2 ah 5018 -A null;",
            "add 192.0.2.1 192.0.2.2 ipcomp 5019 -C deflate;"));
        Assert.All(result.Refusals, refusal => Assert.Equal(PfKeyDiagnostic.EncrNotSupp, refusal.Diagnostic));
        Assert.Equal(19, result.Applied + result.Refusals.Count);
        Assert.True(result.Applied >= 15, string.Join("\n", result.Refusals));
    }

    /// <summary>A channel that accepts every request and never answers.</summary>
    private sealed class SilentChannel : IPfKeyChannel
    {
        public PfKeyErrno Send(ReadOnlySpan<byte> message) => PfKeyErrno.None;

        public int Receive(Span<byte> buffer, TimeSpan timeout) => 0;

        public void Dispose()
        {
        }
    }
}

namespace Netipsec.Cli.Tests.Setkey;

public sealed class SetkeyCliTests
{
    private const string Statements = """
        # a tunnel between two documentation gateways
        add 192.0.2.1 192.0.2.2 esp 0x1000 -m tunnel -u 7
            -E aes-gcm-16 0x000102030405060708090a0b0c0d0e0f10111213;
        spdadd 198.51.100.0/24 203.0.113.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
        """;

    private readonly CliHarness _cli = new();

    [Fact]
    public void Statements_from_stdin_are_applied_and_dump_shows_them()
    {
        _cli.Stdin = Statements;
        CliRun applied = _cli.Run("-c");
        Assert.Equal((0, string.Empty, string.Empty), (applied.Exit, applied.Output, applied.Error));

        CliRun sad = _cli.Run("-D");
        Assert.Equal(0, sad.Exit);
        Assert.StartsWith("192.0.2.1 192.0.2.2 \n\tesp mode=tunnel spi=4096(0x00001000) reqid=7(0x00000007)\n\tE: aes-gcm-16  00010203 04050607 08090a0b 0c0d0e0f 10111213\n", sad.Output, StringComparison.Ordinal);

        CliRun spd = _cli.Run("-DP");
        Assert.Equal(0, spd.Exit);
        Assert.StartsWith("198.51.100.0/24[any] 203.0.113.0/24[any] any\n\tout ipsec\n\tesp/tunnel/192.0.2.1-192.0.2.2/require\n", spd.Output, StringComparison.Ordinal);
        Assert.Equal(["/run/netipsec/pfkey.sock", "/run/netipsec/pfkey.sock", "/run/netipsec/pfkey.sock"], _cli.Connections);
    }

    [Fact]
    public void Statements_from_a_file_are_applied_through_the_given_socket()
    {
        string path = Path.Combine(Path.GetTempPath(), $"setkey-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, Statements);
        try
        {
            CliRun run = _cli.Run("-f", path, "--socket", "/tmp/other.sock");
            Assert.Equal((0, string.Empty), (run.Exit, run.Error));
            Assert.Equal(["/tmp/other.sock"], _cli.Connections);
            Assert.Contains("spi=4096(", _cli.Run("-D").Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Check_only_reports_every_error_and_neither_connects_nor_changes_anything()
    {
        _cli.Stdin = "add 192.0.2.1 192.0.2.2 esp 1 -E null;\nflush;\nspdadd 192.0.2.0/33 192.0.2.0/24 any -P out none;\ndump tcp;\n";
        CliRun run = _cli.Run("-n", "-c");
        Assert.Equal(1, run.Exit);
        Assert.Equal(
            "stdin:1:29: expected an SPI of 256 or more (RFC 4303 §2.1 reserves 0-255), found 1\n"
            + "stdin:3:18: expected a prefix length 0-32, found '33'\n"
            + "stdin:4:6: expected a protocol (esp, ah or ipcomp), found 'tcp'\n"
            + "netipsec: 3 error(s); nothing was applied\n",
            run.Error.ReplaceLineEndings("\n"));
        Assert.Empty(_cli.Connections);
    }

    [Fact]
    public void Check_only_of_valid_input_succeeds_without_connecting()
    {
        _cli.Stdin = Statements;
        CliRun run = _cli.Run("-c", "-n");
        Assert.Equal((0, string.Empty, string.Empty), (run.Exit, run.Output, run.Error));
        Assert.Empty(_cli.Connections);
        Assert.Equal("No SAD entries.\nNo SPD entries.\n", (_cli.Run("-D").Output + _cli.Run("-DP").Output).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Input_with_an_error_applies_nothing_not_even_the_valid_statements()
    {
        _cli.Stdin = Statements + "\nbogus;";
        CliRun run = _cli.Run("-c");
        Assert.Equal(1, run.Exit);
        Assert.StartsWith("stdin:5:1: expected a statement", run.Error, StringComparison.Ordinal);
        Assert.Empty(_cli.Connections);
        Assert.Equal("No SAD entries.\n", _cli.Run("-D").Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Refused_statements_exit_1_with_their_position_and_reason()
    {
        _cli.Stdin = Statements;
        Assert.Equal(0, _cli.Run("-c").Exit);
        CliRun again = _cli.Run("-c");
        Assert.Equal(1, again.Exit);
        Assert.Equal("stdin:2:1: add: File exists (EEXIST)\nstdin:4:1: spdadd: File exists (EEXIST)\n", again.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Flushes_empty_the_sad_and_the_spd()
    {
        _cli.Stdin = Statements;
        Assert.Equal(0, _cli.Run("-c").Exit);
        Assert.Equal(0, _cli.Run("-F").Exit);
        Assert.Equal("No SAD entries.\n", _cli.Run("-D").Output.ReplaceLineEndings("\n"));
        Assert.Contains("out ipsec", _cli.Run("-D", "-P").Output, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Run("-FP").Exit);
        Assert.Equal("No SPD entries.\n", _cli.Run("-DP").Output.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("-D")]
    [InlineData("-FP")]
    [InlineData("-c")]
    [InlineData("-x")]
    public void An_absent_daemon_is_exit_2_with_the_socket_path(string mode)
    {
        _cli.DaemonDown = true;
        _cli.Stdin = "flush;";
        CliRun run = _cli.Run(mode, "--socket", "/run/test/none.sock");
        Assert.Equal(2, run.Exit);
        Assert.Equal("netipsec: cannot connect to netipsecd at /run/test/none.sock: Connection refused\n", run.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData(new string[0], "give one of -c, -f FILE, -D, -DP, -F, -FP or -x, or a command such as demo (see --help)")]
    [InlineData(new[] { "-D", "-F" }, "give only one of -c, -f FILE, -D, -F and -x")]
    [InlineData(new[] { "-c", "-P" }, "-P goes with -D or -F")]
    [InlineData(new[] { "-D", "-n" }, "-n goes with -c or -f")]
    public void Usage_errors_exit_2_without_connecting(string[] args, string message)
    {
        CliRun run = _cli.Run(args);
        Assert.Equal((2, $"netipsec: {message}\n"), (run.Exit, run.Error.ReplaceLineEndings("\n")));
        Assert.Empty(_cli.Connections);
    }

    [Fact]
    public void An_unreadable_file_is_exit_2()
    {
        CliRun run = _cli.Run("-f", "/nonexistent/setkey.conf");
        Assert.Equal(2, run.Exit);
        Assert.StartsWith("netipsec: cannot read /nonexistent/setkey.conf: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_subcommand_still_runs()
    {
        CliRun run = _cli.Run("demo", "--in-process");
        Assert.Equal(0, run.Exit);
        Assert.Contains("traffic: 8 packets (ping, UDP, TCP) sent between the hosts, 8 delivered byte for byte", run.Output, StringComparison.Ordinal);
    }
}

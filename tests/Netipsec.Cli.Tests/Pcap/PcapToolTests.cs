using System.CommandLine;
using Netipsec.Cli.Pcap;
using Netipsec.Packets;
using Netipsec.Simulation;

namespace Netipsec.Cli.Tests.Pcap;

/// <summary>
/// <c>netipsec pcap encrypt</c> and <c>decrypt</c> on files: round trips over RAW and Ethernet captures in transport
/// and tunnel mode with several suites, replays, packets that are not IPsec, and refused input.
/// </summary>
public sealed class PcapToolTests : IDisposable
{
    private static readonly IpAddress HostA = IpAddress.Parse("192.0.2.10");
    private static readonly IpAddress HostB = IpAddress.Parse("198.51.100.20");
    private static readonly IpAddress WestHost = IpAddress.Parse("198.51.100.10");
    private static readonly IpAddress EastHost = IpAddress.Parse("203.0.113.10");

    private readonly string _directory = Directory.CreateTempSubdirectory("netipsec-pcap-").FullName;

    public static TheoryData<bool, string, string> Cases
    {
        get
        {
            var cases = new TheoryData<bool, string, string>();
            foreach (bool link in new[] { false, true })
            {
                foreach (string mode in new[] { "transport", "tunnel" })
                {
                    foreach (string suite in Suites.Keys)
                    {
                        cases.Add(link, mode, suite);
                    }
                }
            }

            return cases;
        }
    }

    private static Dictionary<string, string> Suites => new()
    {
        ["aes-gcm-16"] = "-E aes-gcm-16 0x" + Hex(20, 0x10),
        ["aes-cbc/hmac-sha256"] = "-E aes-cbc 0x" + Hex(16, 0x20) + " -A hmac-sha256 0x" + Hex(32, 0x40),
        ["chacha20-poly1305"] = "-E chacha20-poly1305 0x" + Hex(36, 0x60),
        ["aes-gcm-16 esn"] = "-f esn -E aes-gcm-16 0x" + Hex(20, 0x10),
        ["aes-gcm-16 random-pad"] = "-f random-pad -E aes-gcm-16 0x" + Hex(20, 0x10),
        ["aes-cbc/hmac-sha256 zero-pad"] = "-f zero-pad -E aes-cbc 0x" + Hex(16, 0x20) + " -A hmac-sha256 0x" + Hex(32, 0x40),
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encrypting_then_decrypting_gives_back_the_original_capture_byte_for_byte(bool ethernet, string mode, string suite)
    {
        PcapLinkType link = ethernet ? PcapLinkType.Ethernet : PcapLinkType.Raw;
        string keys = Write("keys.conf", Config(mode, Suites[suite]));
        PcapCapture original = Capture(link, mode);
        string input = WriteCapture("in.pcap", original);

        (int encryptCode, string encryptErrors) = Run(PcapTool.Operation.Encrypt, keys, input, Path("enc.pcap"));
        (int decryptCode, string decryptErrors) = Run(PcapTool.Operation.Decrypt, keys, Path("enc.pcap"), Path("dec.pcap"));

        Assert.Equal((0, "", 0, ""), (encryptCode, encryptErrors, decryptCode, decryptErrors));
        Assert.Equal(File.ReadAllBytes(input), File.ReadAllBytes(Path("dec.pcap")));
        PcapCapture encrypted = Read("enc.pcap");
        Assert.Equal(original.Records.Count, encrypted.Records.Count);
        for (int i = 0; i < original.Records.Count; i++)
        {
            bool covered = i < 3; // the last packets (a stranger's, and ARP on Ethernet) match no policy
            Assert.Equal(covered, Protocol(link, encrypted.Records[i].Data) == IpProtocol.Esp);
            Assert.Equal(!covered, original.Records[i].Data.SequenceEqual(encrypted.Records[i].Data));
        }
    }

    [Theory]
    [InlineData("transport")]
    [InlineData("tunnel")]
    public void Esp_in_udp_round_trips_through_port_4500(string mode)
    {
        string udp = Config(mode, Suites["aes-gcm-16"])
            .Replace("192.0.2.10 198.51.100.20 esp", "192.0.2.10[4500] 198.51.100.20[4500] esp-udp", StringComparison.Ordinal)
            .Replace("198.51.100.20 192.0.2.10 esp", "198.51.100.20[4500] 192.0.2.10[4500] esp-udp", StringComparison.Ordinal)
            .Replace("192.0.2.1 192.0.2.2 esp", "192.0.2.1[4500] 192.0.2.2[4500] esp-udp", StringComparison.Ordinal)
            .Replace("192.0.2.2 192.0.2.1 esp", "192.0.2.2[4500] 192.0.2.1[4500] esp-udp", StringComparison.Ordinal);
        string keys = Write("keys.conf", udp);
        string input = WriteCapture("in.pcap", Capture(PcapLinkType.Raw, mode));

        (int encryptCode, string encryptErrors) = Run(PcapTool.Operation.Encrypt, keys, input, Path("enc.pcap"));
        (int decryptCode, string decryptErrors) = Run(PcapTool.Operation.Decrypt, keys, Path("enc.pcap"), Path("dec.pcap"));

        Assert.Equal((0, "", 0, ""), (encryptCode, encryptErrors, decryptCode, decryptErrors));
        byte[] first = Read("enc.pcap").Records[0].Data;
        Assert.Equal(IpProtocol.Udp, Protocol(PcapLinkType.Raw, first));
        Assert.Equal(4500, (first[20] << 8) | first[21]);
        if (mode == "tunnel")
        {
            Assert.Equal(File.ReadAllBytes(input), File.ReadAllBytes(Path("dec.pcap")));
            return;
        }

        // Transport mode after NAT-T (RFC 3948 §3.1.2): with no original addresses to fix the checksum from, the
        // receiver zeroes a UDP checksum and recomputes a TCP one; everything else comes back as it was.
        PcapCapture original = Read("in.pcap");
        PcapCapture decrypted = Read("dec.pcap");
        byte[] udpWithoutChecksum = (byte[])original.Records[0].Data.Clone();
        udpWithoutChecksum[26] = udpWithoutChecksum[27] = 0;
        Assert.Equal(udpWithoutChecksum, decrypted.Records[0].Data);
        Assert.Equal(original.Records.Skip(1).Select(r => r.Data), decrypted.Records.Skip(1).Select(r => r.Data));
    }

    [Fact]
    public void A_replayed_packet_is_reported_with_its_number_and_kept_as_it_was()
    {
        string keys = Write("keys.conf", Config("transport", Suites["aes-gcm-16"]));
        WriteCapture("in.pcap", Capture(PcapLinkType.Raw, "transport"));
        Assert.Equal(0, Run(PcapTool.Operation.Encrypt, keys, Path("in.pcap"), Path("enc.pcap")).Code);
        PcapCapture encrypted = Read("enc.pcap");
        string replayed = WriteCapture("replayed.pcap", encrypted with { Records = [.. encrypted.Records, encrypted.Records[0]] });

        (int code, string errors) = Run(PcapTool.Operation.Decrypt, keys, replayed, Path("dec.pcap"));

        Assert.Equal(PcapTool.PacketsFailed, code);
        int number = encrypted.Records.Count + 1;
        Assert.Equal(
            $"packet {number}: not decrypted, left as it is: XfrmInStateSeqError{Environment.NewLine}"
            + $"netipsec: 1 packet(s) not decrypted: 1 XfrmInStateSeqError{Environment.NewLine}",
            errors);
        PcapCapture decrypted = Read("dec.pcap");
        Assert.Equal(encrypted.Records[0].Data, decrypted.Records[^1].Data);
        Assert.Equal(Capture(PcapLinkType.Raw, "transport").Records[0].Data, decrypted.Records[0].Data);
    }

    [Fact]
    public void Esn_keys_put_the_high_sequence_bits_in_the_icv_so_keys_without_esn_fail_to_verify()
    {
        string esnKeys = Write("esn.conf", Config("transport", Suites["aes-gcm-16 esn"]));
        string plainKeys = Write("plain.conf", Config("transport", Suites["aes-gcm-16"]));
        WriteCapture("in.pcap", Capture(PcapLinkType.Raw, "transport"));
        Assert.Equal(0, Run(PcapTool.Operation.Encrypt, esnKeys, Path("in.pcap"), Path("enc.pcap")).Code);

        (int code, string errors) = Run(PcapTool.Operation.Decrypt, plainKeys, Path("enc.pcap"), Path("dec.pcap"));

        Assert.Equal(PcapTool.PacketsFailed, code);
        Assert.StartsWith("packet 1: not decrypted, left as it is: XfrmInStateProtoError", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_padding_differs_run_to_run_and_keys_expecting_sequential_padding_refuse_it()
    {
        string randomKeys = Write("random.conf", Config("transport", Suites["aes-gcm-16 random-pad"]));
        string sequentialKeys = Write("seq.conf", Config("transport", "-f seq-pad " + Suites["aes-gcm-16"]));
        WriteCapture("in.pcap", Capture(PcapLinkType.Raw, "transport"));

        // AES-GCM's IV counter starts afresh each run, so two runs differ only where the padding is random: packets 1
        // and 2 (UDP of 108 bytes, TCP of 720) carry 2 bytes of it each, so a chance match is a 1 in 2^32 event.
        Assert.Equal(0, Run(PcapTool.Operation.Encrypt, randomKeys, Path("in.pcap"), Path("random1.pcap")).Code);
        Assert.Equal(0, Run(PcapTool.Operation.Encrypt, randomKeys, Path("in.pcap"), Path("random2.pcap")).Code);
        Assert.Equal(0, Run(PcapTool.Operation.Encrypt, sequentialKeys, Path("in.pcap"), Path("seq1.pcap")).Code);
        Assert.Equal(0, Run(PcapTool.Operation.Encrypt, sequentialKeys, Path("in.pcap"), Path("seq2.pcap")).Code);
        Assert.Equal(File.ReadAllBytes(Path("seq1.pcap")), File.ReadAllBytes(Path("seq2.pcap")));
        Assert.NotEqual(File.ReadAllBytes(Path("random1.pcap")), File.ReadAllBytes(Path("random2.pcap")));
        Assert.Equal(Read("random1.pcap").Records[0].Data.Length, Read("seq1.pcap").Records[0].Data.Length);

        (int code, string errors) = Run(PcapTool.Operation.Decrypt, sequentialKeys, Path("random1.pcap"), Path("dec.pcap"));

        Assert.Equal(PcapTool.PacketsFailed, code);
        Assert.Contains(": not decrypted, left as it is: XfrmInStateProtoError", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_keys_for_a_packet_decrypt_reports_it_and_keeps_it()
    {
        string keys = Write("keys.conf", Config("transport", Suites["aes-gcm-16"]));
        WriteCapture("in.pcap", Capture(PcapLinkType.Raw, "transport"));
        Assert.Equal(0, Run(PcapTool.Operation.Encrypt, keys, Path("in.pcap"), Path("enc.pcap")).Code);
        string otherKeys = Write("other.conf", "add 192.0.2.10 198.51.100.20 esp 0x9999 -m transport " + Suites["aes-gcm-16"] + ";");

        (int code, string errors) = Run(PcapTool.Operation.Decrypt, otherKeys, Path("enc.pcap"), Path("dec.pcap"));

        Assert.Equal(PcapTool.PacketsFailed, code);
        Assert.StartsWith("packet 1: not decrypted, left as it is: XfrmInNoStates", errors, StringComparison.Ordinal);
        int reported = errors.Split(Environment.NewLine).Count(line => line.StartsWith("packet ", StringComparison.Ordinal));
        Assert.True(reported >= 2, errors); // every ESP packet of the capture, whichever way it went
        Assert.EndsWith($"netipsec: {reported} packet(s) not decrypted: {reported} XfrmInNoStates{Environment.NewLine}", errors, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path("enc.pcap")), File.ReadAllBytes(Path("dec.pcap")));
    }

    [Fact]
    public void A_corrupt_capture_is_a_clear_error_and_no_output()
    {
        string keys = Write("keys.conf", Config("transport", Suites["aes-gcm-16"]));
        byte[] good = File.ReadAllBytes(WriteCapture("in.pcap", Capture(PcapLinkType.Raw, "transport")));
        string corrupt = Path("corrupt.pcap");
        File.WriteAllBytes(corrupt, good[..^5]);

        (int code, string errors) = Run(PcapTool.Operation.Decrypt, keys, corrupt, Path("out.pcap"));

        Assert.Equal(1, code);
        Assert.Matches(@"^netipsec: .*corrupt\.pcap: record 4 at byte \d+: truncated packet data \(\d+ of \d+ bytes\)\r?\n$", errors);
        Assert.False(File.Exists(Path("out.pcap")));
    }

    [Fact]
    public void A_key_file_with_an_error_names_its_line_and_nothing_is_written()
    {
        string keys = Write("keys.conf", "flush;\nadd 192.0.2.10 198.51.100.20 esp 0x1001 -E aes-foo 0x00;\n");
        string input = WriteCapture("in.pcap", Capture(PcapLinkType.Raw, "transport"));

        (int code, string errors) = Run(PcapTool.Operation.Encrypt, keys, input, Path("out.pcap"));

        Assert.Equal(PcapTool.ConfigurationError, code);
        Assert.Contains("keys.conf:2:", errors, StringComparison.Ordinal);
        Assert.Contains("aes-foo", errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Path("out.pcap")));
    }

    [Fact]
    public void A_request_the_service_refuses_names_its_line()
    {
        string sa = "add 192.0.2.10 198.51.100.20 esp 0x1001 -m transport " + Suites["aes-gcm-16"] + ";\n";
        string keys = Write("keys.conf", sa + sa);

        (int code, string errors) = Run(PcapTool.Operation.Decrypt, keys, WriteCapture("in.pcap", Capture(PcapLinkType.Raw, "transport")), Path("out.pcap"));

        Assert.Equal(PcapTool.ConfigurationError, code);
        Assert.Contains("keys.conf: line 2: PF_KEY refused the request: ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_input_file_is_an_error_not_an_exception()
    {
        string keys = Write("keys.conf", "flush;");

        (int code, string errors) = Run(PcapTool.Operation.Decrypt, keys, Path("absent.pcap"), Path("out.pcap"));

        Assert.Equal(1, code);
        Assert.StartsWith("netipsec: ", errors, StringComparison.Ordinal);
        Assert.Contains("absent.pcap", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_runs_decrypt_through_system_commandline()
    {
        string keys = Write("keys.conf", Config("tunnel", Suites["aes-gcm-16"]));
        string input = WriteCapture("in.pcap", Capture(PcapLinkType.Ethernet, "tunnel"));
        var root = new System.CommandLine.RootCommand { PcapCommand.Create() };

        int encrypt = root.Parse(["pcap", "encrypt", "-k", keys, input, Path("enc.pcap")]).Invoke();
        int decrypt = root.Parse(["pcap", "decrypt", "--keys", keys, Path("enc.pcap"), Path("dec.pcap")]).Invoke();

        Assert.Equal((0, 0), (encrypt, decrypt));
        Assert.Equal(File.ReadAllBytes(input), File.ReadAllBytes(Path("dec.pcap")));
    }

    [Fact]
    public async Task A_command_line_that_does_not_parse_is_a_usage_error_with_exit_code_2()
    {
        RootCommand root = CliRoot.Create(_ => throw new InvalidOperationException("no daemon in this test"), () => TextReader.Null);
        var error = new StringWriter();

        int exit = await CliRoot.InvokeAsync(root, ["pcap", "decrypt", Path("in.pcap")], new InvocationConfiguration { Error = error, Output = TextWriter.Null });

        Assert.Equal(CliRoot.UsageError, exit);
        Assert.Contains("--keys", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>SAs both ways and an outbound policy each way: host A and B in transport mode, or two sites' gateways in tunnel mode.</summary>
    internal static string Config(string mode, string algorithms) => mode == "transport"
        ? $"""
          flush;
          spdflush;
          add 192.0.2.10 198.51.100.20 esp 0x1001 -m transport -r 64 {algorithms};
          add 198.51.100.20 192.0.2.10 esp 0x1002 -m transport -r 64 {algorithms};
          spdadd 192.0.2.10 198.51.100.20 any -P out ipsec esp/transport//require;
          spdadd 198.51.100.20 192.0.2.10 any -P out ipsec esp/transport//require;
          """
        : $"""
          add 192.0.2.1 192.0.2.2 esp 0x2001 -m tunnel -r 64 {algorithms};
          add 192.0.2.2 192.0.2.1 esp 0x2002 -m tunnel -r 64 {algorithms};
          spdadd 198.51.100.0/24 203.0.113.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
          spdadd 203.0.113.0/24 198.51.100.0/24 any -P out ipsec esp/tunnel/192.0.2.2-192.0.2.1/require;
          """;

    /// <summary>Three covered packets (both directions), then one between strangers and, on Ethernet, an ARP request.</summary>
    private static PcapCapture Capture(PcapLinkType link, string mode)
    {
        (IpAddress a, IpAddress b) = mode == "transport" ? (HostA, HostB) : (WestHost, EastHost);
        byte[][] packets =
        [
            Traffic.Udp(a, b, 5000, 53, 100),
            Traffic.Tcp(b, a, 443, 40000, 700),
            Traffic.Ping(a, b),
            Traffic.Udp(IpAddress.Parse("192.0.2.98"), IpAddress.Parse("192.0.2.99"), 1, 2, 10),
        ];
        var records = packets.Select((ip, i) => Record(i, link == PcapLinkType.Ethernet ? [.. EthernetHeader(0x0800), .. ip] : ip)).ToList();
        if (link == PcapLinkType.Ethernet)
        {
            records.Add(Record(records.Count, [.. EthernetHeader(0x0806), .. new byte[28]]));
        }

        return new PcapCapture(link, 262_144, records);
    }

    private static PcapRecord Record(int index, byte[] data) => new(1_700_000_000 + (uint)index, (uint)index * 1000, data, (uint)data.Length);

    private static byte[] EthernetHeader(ushort etherType) =>
        [0x02, 0, 0, 0, 0, 0x0B, 0x02, 0, 0, 0, 0, 0x0A, (byte)(etherType >> 8), (byte)etherType];

    private static IpProtocol Protocol(PcapLinkType link, byte[] frame)
    {
        int ip = link == PcapLinkType.Ethernet ? 14 : 0;
        return frame.Length <= ip + 9 ? default : (IpProtocol)(frame[ip] >> 4 == 4 ? frame[ip + 9] : frame[ip + 6]);
    }

    private static string Hex(int length, int first) => Convert.ToHexString([.. Enumerable.Range(first, length).Select(b => (byte)b)]);

    private string Path(string name) => System.IO.Path.Combine(_directory, name);

    private string Write(string name, string text)
    {
        File.WriteAllText(Path(name), text);
        return Path(name);
    }

    private string WriteCapture(string name, PcapCapture capture)
    {
        using FileStream stream = File.Create(Path(name));
        PcapWriter.Write(stream, capture);
        return Path(name);
    }

    private PcapCapture Read(string name)
    {
        Assert.True(PcapReader.TryRead(File.ReadAllBytes(Path(name)), out PcapCapture? capture, out string? error), error);
        return capture!;
    }

    private static (int Code, string Errors) Run(PcapTool.Operation operation, string keys, string input, string output)
    {
        using var errors = new StringWriter();
        int code = PcapTool.Run(operation, keys, input, output, errors);
        return (code, errors.ToString());
    }
}
